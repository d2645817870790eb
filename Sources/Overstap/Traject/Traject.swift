/// Where a case stands.
public enum Fase: String, Codable, Sendable, CaseIterable {
    case aangemeld, gestart, afbouw, overgedragen, afgesloten, noShow = "no_show"
}

/// The state of one case (*traject*), folded from its events in the order they happened. It holds
/// no personal data, so the projection may store it as the case's snapshot (`trajecten.stand`).
public struct Traject: Equatable, Sendable {
    /// The shape of the stored snapshot; raise it when a stored property changes, and snapshots of
    /// another shape are folded from the timeline again instead of decoded.
    public static let standVersie = 3  // 2: the no-show flag and its day are one value; 3: the mbo career (#16)

    /// The case's id (its stream).
    public let id: TrajectID
    public internal(set) var regio: String
    public internal(set) var vsoSchool: String
    public internal(set) var uitstroomprofiel: Uitstroomprofiel
    public internal(set) var aangemeldOp: Datum
    public internal(set) var verwachteStartdatum: Datum
    public internal(set) var beoogdeOpleiding: Opleiding
    public internal(set) var coach: String?
    public internal(set) var coachSinds: Datum?
    /// Scopes with active consent.
    public internal(set) var toestemmingen: Set<ToestemmingsScope> = []
    public internal(set) var welkomstgesprekOp: Datum?
    public internal(set) var mboAanmeldingOp: Datum?
    public internal(set) var intakeOp: Datum?
    /// The first intake with a warme overdracht (the coach present).
    public internal(set) var warmeOverdrachtOp: Datum?
    public internal(set) var gestartOp: Datum?
    /// The programme the student started on (`gestart`).
    public internal(set) var gestarteOpleiding: Opleiding?
    /// The programme the student follows now: the started one, or the last switch.
    public internal(set) var huidigeOpleiding: Opleiding?
    /// The first switch within the mbo (`opleiding_gewijzigd`).
    public internal(set) var gewisseldOp: Datum?
    /// The last diploma obtained.
    public internal(set) var diploma: DiplomaStand?
    /// The last follow-up.
    public internal(set) var nameting: NametingStand?
    /// The last no-show flag and the day it was written, while no `gestart` followed it: one
    /// value, so a flag never lacks its day.
    public internal(set) var noShow: NoShowStand?
    /// Every no-show flag ever written, so the nightly job writes each once.
    public internal(set) var gesignaleerd: Set<NoShowSleutel> = []
    public internal(set) var laatsteContact: Datum?
    public internal(set) var stage: String?
    public internal(set) var stageSinds: Datum?
    public internal(set) var laatsteStagebezoek: Datum?
    /// Open signals and since when.
    public internal(set) var openSignalen: [Signaalsoort: Datum] = [:]
    public internal(set) var laatsteEvaluatie: Datum?
    public internal(set) var afbouwSinds: Datum?
    public internal(set) var overgedragenOp: Datum?
    public internal(set) var afgeslotenOp: Datum?
    public internal(set) var afsluitreden: Afsluitreden?
    /// When the student's personal data was destroyed; the case keeps its phases and dates.
    public internal(set) var vergetenOp: Datum?
    /// The day of the latest event folded in: the state holds for every peildatum from then on.
    public internal(set) var laatsteGebeurtenisOp: Datum

    /// A new case from its aanmelding.
    public init(id: TrajectID, aanmelding: Aanmelding, op datum: Datum) {
        self.id = id
        regio = aanmelding.regio
        vsoSchool = aanmelding.vsoSchool
        uitstroomprofiel = aanmelding.uitstroomprofiel
        aangemeldOp = datum
        laatsteGebeurtenisOp = datum
        verwachteStartdatum = aanmelding.verwachteStartdatum
        beoogdeOpleiding = aanmelding.beoogdeOpleiding
    }

    /// The state after `gebeurtenissen`, each with the day it happened, folded in date order
    /// (events recorded late take their place by date) onto `begin`; `nil` when there is no
    /// aanmelding. Folding onto a state is the same as folding everything only when no new event
    /// is dated before the state's `laatsteGebeurtenisOp`.
    public static func herleid(id: TrajectID, uit gebeurtenissen: [(Gebeurtenis, Datum)], vanaf begin: Traject? = nil) -> Traject? {
        var traject = begin
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

    /// The state after one more event, as `herleid` would fold `geschiedenis` (every event since
    /// `basis`, this one last) onto `basis`: folded onto `traject` when dated on or after everything
    /// in it, else folded anew from `basis` (an event recorded late takes its place by date). Every
    /// event of `geschiedenis` must be dated on or after `basis.laatsteGebeurtenisOp`. The write
    /// path decides each event of a batch on this.
    public static func verder(_ traject: Traject?, id: TrajectID, geschiedenis: [(Gebeurtenis, Datum)], basis: Traject? = nil) -> Traject? {
        guard var huidig = traject, let (gebeurtenis, datum) = geschiedenis.last, datum >= huidig.laatsteGebeurtenisOp else {
            return herleid(id: id, uit: geschiedenis, vanaf: basis)
        }
        huidig.verwerk(gebeurtenis, op: datum)
        return huidig
    }

    /// Folds one event in.
    public mutating func verwerk(_ gebeurtenis: Gebeurtenis, op datum: Datum) {
        laatsteGebeurtenisOp = max(laatsteGebeurtenisOp, datum)
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
        case .intakegesprek(let intake):
            intakeOp = intakeOp ?? datum
            if intake.warmeOverdracht { warmeOverdrachtOp = warmeOverdrachtOp ?? datum }
        case .overstaptafelBesproken: break
        case .gestart(let opleiding):
            if gestartOp == nil {
                gestartOp = datum
                gestarteOpleiding = opleiding
                huidigeOpleiding = huidigeOpleiding ?? opleiding
            }
            noShow = nil
        case .opleidingGewijzigd(let opleiding):
            huidigeOpleiding = opleiding
            gewisseldOp = gewisseldOp ?? datum
        case .diplomaBehaald(let d): diploma = DiplomaStand(niveau: d.niveau, op: datum)
        case .nameting(let n): nameting = NametingStand(uitkomst: n.uitkomst, opleiding: n.opleiding, op: datum)
        case .noShowGesignaleerd(let flag):
            gesignaleerd.insert(NoShowSleutel(schooljaar: flag.schooljaar, soort: flag.soort))
            if gestartOp == nil {
                noShow = NoShowStand(melding: flag, op: datum)
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

    /// The phase with the day it began, from the dates folded in; the later phase wins (afgesloten,
    /// overgedragen, afbouw, gestart, no_show, aangemeld), whatever order events were recorded in.
    public var faseStand: FaseStand {
        if let afgeslotenOp { return .afgesloten(op: afgeslotenOp) }
        if let overgedragenOp { return .overgedragen(op: overgedragenOp) }
        if let afbouwSinds { return .afbouw(sinds: afbouwSinds) }
        if let gestartOp { return .gestart(op: gestartOp) }
        if let noShow { return .noShow(sinds: noShow.op) }
        return .aangemeld(op: aangemeldOp)
    }

    /// The phase.
    public var fase: Fase { faseStand.fase }

    /// Since when the case is in its phase.
    public var faseSinds: Datum { faseStand.sinds }

    /// The mbo institution the student applied to (`mbo_aanmelding`) or follows a programme at
    /// (`gestart`, `opleiding_gewijzigd`): the one reader of role `mbo` that may see the case.
    /// `nil` before any mbo_aanmelding (the aanmelding's intended programme is the vso's wish).
    public var mboInstelling: String? {
        huidigeOpleiding?.instelling ?? (mboAanmeldingOp != nil ? beoogdeOpleiding.instelling : nil)
    }

    /// Whether a coach still carries the case (for coach loads): assigned, not handed over or closed.
    public var isActiefVoorCoach: Bool { coach != nil && overgedragenOp == nil && afgeslotenOp == nil }
}

/// A phase together with the day it began: no phase without its date.
public enum FaseStand: Equatable, Sendable {
    case aangemeld(op: Datum)
    case noShow(sinds: Datum)
    case gestart(op: Datum)
    case afbouw(sinds: Datum)
    case overgedragen(op: Datum)
    case afgesloten(op: Datum)

    /// The phase without its day.
    public var fase: Fase {
        switch self {
        case .aangemeld: .aangemeld
        case .noShow: .noShow
        case .gestart: .gestart
        case .afbouw: .afbouw
        case .overgedragen: .overgedragen
        case .afgesloten: .afgesloten
        }
    }

    /// The day the phase began.
    public var sinds: Datum {
        switch self {
        case .aangemeld(let dag), .noShow(let dag), .gestart(let dag), .afbouw(let dag), .overgedragen(let dag), .afgesloten(let dag): dag
        }
    }
}

/// The no-show flag a case carries, with the day it was written.
public struct NoShowStand: Equatable, Sendable {
    /// The flag.
    public var melding: NoShowGesignaleerd
    /// The day it was written.
    public var op: Datum
}

/// One no-show flag: a kind in a school year.
public struct NoShowSleutel: Hashable, Sendable, Comparable {
    public var schooljaar: Schooljaar
    public var soort: NoShowSoort

    public init(schooljaar: Schooljaar, soort: NoShowSoort) {
        self.schooljaar = schooljaar
        self.soort = soort
    }

    public static func < (a: Self, b: Self) -> Bool { (a.schooljaar, a.soort.rawValue) < (b.schooljaar, b.soort.rawValue) }
}

/// A diploma and the day it was obtained.
public struct DiplomaStand: Equatable, Sendable, Encodable {
    /// The diploma's level.
    public var niveau: Niveau
    /// The day it was obtained.
    public var op: Datum
}

/// A follow-up's finding and its day.
public struct NametingStand: Equatable, Sendable, Encodable {
    /// What it found.
    public var uitkomst: NametingUitkomst
    /// The programme, when the student is still at the mbo.
    public var opleiding: Opleiding?
    /// The day of the follow-up.
    public var op: Datum
}
