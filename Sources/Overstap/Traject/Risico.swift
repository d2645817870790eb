/// Why a case is on the at-risk list; cases are ordered by their most severe reason.
public enum Risicoreden: String, Codable, Sendable, CaseIterable, Comparable {
    // Declared most severe first: the order of `allCases` is the severity order.
    case noShow = "no_show"
    case startOnbevestigd = "start_onbevestigd"
    case signaalOpen = "signaal_open"
    case geenMboAanmelding = "geen_mbo_aanmelding"
    case contactVerlopen = "contact_verlopen"
    case stagebezoekVerlopen = "stagebezoek_verlopen"
    case geenCoach = "geen_coach"
    case geenWelkomstgesprek = "geen_welkomstgesprek"
    case geenToestemming = "geen_toestemming"
    case evaluatieVerlopen = "evaluatie_verlopen"
    case overdrachtVerlopen = "overdracht_verlopen"
    case nametingVerlopen = "nameting_verlopen"
    case coachOverbelast = "coach_overbelast"

    /// 0 is the most severe.
    public var ernst: Int { Self.opErnst.firstIndex(of: self) ?? Self.opErnst.count }

    /// `allCases` made once: the lists compare reasons thousands of times per request (issue 17).
    private static let opErnst = allCases

    /// The reason in Dutch words, for a page people read (the printed list of an overstaptafel).
    public var omschrijving: String {
        switch self {
        case .noShow: "niet verschenen op het mbo"
        case .startOnbevestigd: "start op het mbo niet bevestigd"
        case .signaalOpen: "signaal staat te lang open"
        case .geenMboAanmelding: "niet op tijd aangemeld bij het mbo"
        case .contactVerlopen: "te lang geen contact"
        case .stagebezoekVerlopen: "stagebezoek te lang geleden"
        case .geenCoach: "nog geen coach"
        case .geenWelkomstgesprek: "nog geen welkomstgesprek"
        case .geenToestemming: "geen toestemming vastgelegd"
        case .evaluatieVerlopen: "evaluatie te laat"
        case .overdrachtVerlopen: "overdracht aan het zorgteam te laat"
        case .nametingVerlopen: "nameting na een jaar ontbreekt"
        case .coachOverbelast: "coach boven de norm"
        }
    }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.ernst < rhs.ernst }
}

extension Traject {
    /// Every reason that holds on `peildatum`, most severe first. The traject must be folded from
    /// the events up to `peildatum` only; `coachLast` is its coach's active cases then.
    /// A limit of N days after a reference day holds from reference + N on.
    /// A closed or handed-over case has one reason left: a missing follow-up (`nameting_verlopen`).
    public func risicoredenen(op peildatum: Datum, instellingen i: Instellingen, coachLast: Int?) -> [Risicoreden] {
        func verlopen(_ referentie: Datum, _ dagen: Int) -> Bool { peildatum >= referentie.plus(dagen: dagen) }
        var redenen: [Risicoreden] = []
        if nameting == nil, let referentie = nametingReferentie, verlopen(referentie, 7 * i.nametingVerlopenNaWeken) {
            redenen.append(.nametingVerlopen)
        }
        guard afgeslotenOp == nil, overgedragenOp == nil else { return redenen }
        if noShow != nil { redenen.append(.noShow) }
        if gestartOp == nil, verlopen(verwachteStartdatum, i.startOnbevestigdNaDagen) { redenen.append(.startOnbevestigd) }
        if openSignalen.values.contains(where: { verlopen($0, i.signaalOpenDagen) }) { redenen.append(.signaalOpen) }
        if mboAanmeldingOp == nil, gestartOp == nil, peildatum >= verwachteStartdatum.mboAanmeldingUiterlijk {
            redenen.append(.geenMboAanmelding)
        }
        if let gestartOp {
            let interval = peildatum < gestartOp.plus(weken: i.eersteWekenNaStart) ? i.contactInterval : i.contactIntervalDaarna
            if verlopen(max(laatsteContact ?? gestartOp, gestartOp), interval) { redenen.append(.contactVerlopen) }
        }
        if let stageSinds {
            let interval = openSignalen.isEmpty ? i.stagebezoekInterval : i.stagebezoekIntervalMetSignaal
            if verlopen(laatsteStagebezoek ?? stageSinds, interval) { redenen.append(.stagebezoekVerlopen) }
        }
        if coach == nil, verlopen(aangemeldOp, i.geenCoachNaDagen) { redenen.append(.geenCoach) }
        if welkomstgesprekOp == nil, verlopen(aangemeldOp, i.geenWelkomstgesprekNaDagen) { redenen.append(.geenWelkomstgesprek) }
        if toestemmingen.isEmpty { redenen.append(.geenToestemming) }
        if let gestartOp, afbouwSinds == nil, (laatsteEvaluatie.map { $0 < gestartOp } ?? true),
            verlopen(gestartOp, 7 * i.evaluatieNaWeken)
        {
            redenen.append(.evaluatieVerlopen)
        }
        if let afbouwSinds, verlopen(afbouwSinds, 7 * i.overdrachtNaAfbouwWeken) { redenen.append(.overdrachtVerlopen) }
        if coach != nil, let coachLast, coachLast > i.normMaximum { redenen.append(.coachOverbelast) }
        return redenen.sorted()
    }

    /// The day a follow-up counts from: the start, or for a student who never started, the day
    /// the case was closed; `nil` while neither happened (DESIGN §3, `nameting`).
    public var nametingReferentie: Datum? { gestartOp ?? afgeslotenOp }
}
