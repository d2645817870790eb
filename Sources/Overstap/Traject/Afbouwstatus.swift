/// The next step a case waits for.
public enum VolgendeStap: String, Codable, Sendable {
    case coachToewijzen = "coach_toewijzen", welkomstgesprek, mboAanmelding = "mbo_aanmelding"
    case start, plaatsing, evaluatiegesprek, afbouw, overdrachtZorgteam = "overdracht_zorgteam"
}

/// Where a case stands on a peildatum and what is due next.
public struct Afbouwstatus: Equatable, Sendable {
    public var fase: Fase
    public var sinds: Datum
    /// `nil` when nothing is due (overgedragen, afgesloten).
    public var volgendeStap: VolgendeStap?
    /// The day from which the step is late (the same day the matching risk reason starts to hold).
    public var verlooptOp: Datum?
    public var teLaat: Bool
}

extension Traject {
    /// The afbouw status on `peildatum` (fold the traject from the events up to that day).
    public func afbouwstatus(op peildatum: Datum, instellingen i: Instellingen) -> Afbouwstatus {
        let stand = faseStand
        let stap: (VolgendeStap, Datum)? = switch stand {
        case .aangemeld:
            if coach == nil { (.coachToewijzen, aangemeldOp.plus(dagen: i.geenCoachNaDagen)) }
            else if welkomstgesprekOp == nil { (.welkomstgesprek, aangemeldOp.plus(dagen: i.geenWelkomstgesprekNaDagen)) }
            else if mboAanmeldingOp == nil { (.mboAanmelding, verwachteStartdatum.mboAanmeldingUiterlijk) }
            else { (.start, verwachteStartdatum.plus(dagen: i.startOnbevestigdNaDagen)) }
        case .noShow:
            (.plaatsing, verwachteStartdatum.plaatsingUiterlijk)
        case .gestart(let op):
            if laatsteEvaluatie.map({ $0 >= op }) ?? false {
                (.afbouw, op.plus(weken: i.afbouwNaWeken))
            } else {
                (.evaluatiegesprek, op.plus(weken: i.evaluatieNaWeken))
            }
        case .afbouw(let sinds):
            (.overdrachtZorgteam, sinds.plus(weken: i.overdrachtNaAfbouwWeken))
        case .overgedragen, .afgesloten:
            nil
        }
        return Afbouwstatus(
            fase: stand.fase, sinds: stand.sinds, volgendeStap: stap?.0, verlooptOp: stap?.1,
            teLaat: stap.map { peildatum >= $0.1 } ?? false)
    }
}
