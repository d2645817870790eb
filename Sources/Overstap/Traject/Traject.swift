/// Where a case stands.
public enum Fase: String, Codable, Sendable, CaseIterable {
    case aangemeld, gestart, afbouw, overgedragen, afgesloten, noShow = "no_show"
}

/// The state of one case (*traject*), folded from its events in the order they happened.
public struct Traject: Equatable, Sendable {
    /// The case's id (its stream).
    public let id: String
    public private(set) var regio: String
    public private(set) var vsoSchool: String
    public private(set) var aangemeldOp: Datum
    public private(set) var verwachteStartdatum: Datum
    public private(set) var beoogdeOpleiding: Opleiding
    public private(set) var coach: String?
    public private(set) var coachSinds: Datum?
    /// Scopes with active consent.
    public private(set) var toestemmingen: Set<ToestemmingsScope> = []
    public private(set) var welkomstgesprekOp: Datum?
    public private(set) var mboAanmeldingOp: Datum?
    public private(set) var intakeOp: Datum?
    public private(set) var gestartOp: Datum?
    /// The last no-show flag, while no `gestart` followed it.
    public private(set) var noShow: NoShowGesignaleerd?
    public private(set) var noShowOp: Datum?
    /// Every no-show flag ever written, so the nightly job writes each once.
    public private(set) var gesignaleerd: Set<NoShowSleutel> = []
    public private(set) var laatsteContact: Datum?
    public private(set) var stage: String?
    public private(set) var stageSinds: Datum?
    public private(set) var laatsteStagebezoek: Datum?
    /// Open signals and since when.
    public private(set) var openSignalen: [Signaalsoort: Datum] = [:]
    public private(set) var laatsteEvaluatie: Datum?
    public private(set) var afbouwSinds: Datum?
    public private(set) var overgedragenOp: Datum?
    public private(set) var afgeslotenOp: Datum?
    public private(set) var afsluitreden: Afsluitreden?
    /// When the student's personal data was destroyed; the case keeps its phases and dates.
    public private(set) var vergetenOp: Datum?

    /// A new case from its aanmelding.
    public init(id: String, aanmelding: Aanmelding, op datum: Datum) {
        self.id = id
        regio = aanmelding.regio
        vsoSchool = aanmelding.vsoSchool
        aangemeldOp = datum
        verwachteStartdatum = aanmelding.verwachteStartdatum
        beoogdeOpleiding = aanmelding.beoogdeOpleiding
    }

    /// The state after `gebeurtenissen`, each with the day it happened, folded in date order
    /// (events recorded late take their place by date); `nil` when there is no aanmelding.
    public static func herleid(id: String, uit gebeurtenissen: [(Gebeurtenis, Datum)]) -> Traject? {
        var traject: Traject?
        // A stable sort: events of one day keep their recorded order.
        for (gebeurtenis, datum) in gebeurtenissen.enumerated().sorted(by: { ($0.element.1, $0.offset) < ($1.element.1, $1.offset) }).map(\.element) {
            if case .aanmelding(let aanmelding) = gebeurtenis, traject == nil {
                traject = Traject(id: id, aanmelding: aanmelding, op: datum)
            } else {
                traject?.verwerk(gebeurtenis, op: datum)
            }
        }
        return traject
    }

    /// Folds one event in.
    public mutating func verwerk(_ gebeurtenis: Gebeurtenis, op datum: Datum) {
        switch gebeurtenis {
        case .aanmelding: break
        case .toestemmingGegeven(let t): toestemmingen.formUnion(t.scope)
        case .toestemmingIngetrokken(let t): toestemmingen.subtract(t.scope)
        case .coachToegewezen(let c):
            coach = c.coach
            coachSinds = datum
        case .welkomstgesprek: welkomstgesprekOp = welkomstgesprekOp ?? datum
        case .mboAanmelding(let opleiding):
            mboAanmeldingOp = mboAanmeldingOp ?? datum
            beoogdeOpleiding = opleiding
        case .intakegesprek: intakeOp = intakeOp ?? datum
        case .overstaptafelBesproken: break
        case .gestart:
            gestartOp = gestartOp ?? datum
            noShow = nil
            noShowOp = nil
        case .noShowGesignaleerd(let flag):
            gesignaleerd.insert(NoShowSleutel(schooljaar: flag.schooljaar, soort: flag.soort))
            if gestartOp == nil {
                noShow = flag
                noShowOp = datum
            }
        case .contactmoment: laatsteContact = max(laatsteContact ?? datum, datum)
        case .stageGestart(let s):
            stage = s.stagebedrijf
            stageSinds = datum
            laatsteStagebezoek = nil
        case .stageBeeindigd:
            stage = nil
            stageSinds = nil
            laatsteStagebezoek = nil
        case .stagebezoek: laatsteStagebezoek = max(laatsteStagebezoek ?? datum, datum)
        case .signaal(let s): openSignalen[s.soort] = openSignalen[s.soort] ?? datum
        case .signaalOpgelost(let s): openSignalen[s.soort] = nil
        case .evaluatiegesprek: laatsteEvaluatie = max(laatsteEvaluatie ?? datum, datum)
        case .afbouwGestart: afbouwSinds = afbouwSinds ?? datum
        case .overdrachtZorgteam: overgedragenOp = overgedragenOp ?? datum
        case .afgesloten(let a):
            afgeslotenOp = datum
            afsluitreden = a.reden
        case .leerlingVergeten:
            vergetenOp = vergetenOp ?? datum
        }
    }

    /// The phase: afgesloten, overgedragen, afbouw, gestart, no_show or aangemeld.
    public var fase: Fase {
        if afgeslotenOp != nil { return .afgesloten }
        if overgedragenOp != nil { return .overgedragen }
        if afbouwSinds != nil { return .afbouw }
        if gestartOp != nil { return .gestart }
        if noShow != nil { return .noShow }
        return .aangemeld
    }

    /// Since when the case is in its phase.
    public var faseSinds: Datum {
        switch fase {
        case .afgesloten: afgeslotenOp!
        case .overgedragen: overgedragenOp!
        case .afbouw: afbouwSinds!
        case .gestart: gestartOp!
        case .noShow: noShowOp!
        case .aangemeld: aangemeldOp
        }
    }

    /// Whether a coach still carries the case (for coach loads): assigned, not handed over or closed.
    public var isActiefVoorCoach: Bool { coach != nil && overgedragenOp == nil && afgeslotenOp == nil }
}

/// One no-show flag: a kind in a school year.
public struct NoShowSleutel: Hashable, Sendable {
    public var schooljaar: Schooljaar
    public var soort: NoShowSoort
}
