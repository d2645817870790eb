/// A figure of the regional monitor (DESIGN §4.5), counted over a cohort on a peildatum. Each is
/// a pure function of a case folded from its events up to that day (`telt`), so the monitor of a
/// past day, or as known on a past day, is the same fold with fewer events. docs/api.md
/// ("Monitor") defines each figure for coordinators.
public enum Maat: String, CaseIterable, Sendable, Codable {
    /// In the cohort: registered by the peildatum.
    case aangemeld
    /// Registered at the mbo before the deadline (`Datum.mboAanmeldingUiterlijk`: 1 April of the
    /// start's year, or the start itself when that comes first).
    case mboAangemeldVoor1April
    /// An intake with a warme overdracht.
    case warmeOverdracht
    /// Started at the mbo.
    case gestart
    /// Flagged as a no-show and not started since.
    case noShow
    /// Started on or before the count date (`Datum.plaatsingUiterlijk`: the first 1 October on or
    /// after the expected start) and not closed on or before it. A case whose count date lies
    /// after the peildatum does not count yet.
    case ingeschrevenOp1Oktober
    /// Switched programme within the mbo (`opleiding_gewijzigd`).
    case gewisseld
    /// Closed with reason `uitgevallen`.
    case uitgevallen
    /// A diploma: `diploma_behaald`, or closed with reason `diploma`.
    case diploma
    /// The last follow-up (`nameting`) found the student still at the mbo.
    case nametingMbo
    /// … with a diploma.
    case nametingDiploma
    /// … at work.
    case nametingWerk
    /// … dropped out.
    case nametingUitgevallen
    /// … not found out.
    case nametingOnbekend

    /// The figure's column head in Dutch words, for a page people read.
    public var kop: String {
        switch self {
        case .aangemeld: "aangemeld"
        case .mboAangemeldVoor1April: "mbo vóór 1 april"
        case .warmeOverdracht: "warme overdracht"
        case .gestart: "gestart"
        case .noShow: "no-show"
        case .ingeschrevenOp1Oktober: "ingeschreven 1 oktober"
        case .gewisseld: "gewisseld"
        case .uitgevallen: "uitgevallen"
        case .diploma: "diploma"
        case .nametingMbo: "nameting: mbo"
        case .nametingDiploma: "nameting: diploma"
        case .nametingWerk: "nameting: werk"
        case .nametingUitgevallen: "nameting: uitgevallen"
        case .nametingOnbekend: "nameting: onbekend"
        }
    }

    /// Whether `traject`, folded from its events up to `peildatum`, counts for this figure.
    public func telt(_ t: Traject, op peildatum: Datum) -> Bool {
        switch self {
        case .aangemeld: return true
        case .mboAangemeldVoor1April: return t.mboAanmeldingOp.map { $0 < t.verwachteStartdatum.mboAanmeldingUiterlijk } ?? false
        case .warmeOverdracht: return t.warmeOverdrachtOp != nil
        case .gestart: return t.gestartOp != nil
        case .noShow: return t.noShow != nil
        case .ingeschrevenOp1Oktober:
            let teldag = t.verwachteStartdatum.plaatsingUiterlijk
            guard teldag <= peildatum, let gestartOp = t.gestartOp, gestartOp <= teldag else { return false }
            return t.afgeslotenOp.map { $0 > teldag } ?? true
        case .gewisseld: return t.gewisseldOp != nil
        case .uitgevallen: return t.afsluitreden == .uitgevallen
        case .diploma: return t.diploma != nil || t.afsluitreden == .diploma
        case .nametingMbo: return t.nameting?.uitkomst == .mbo
        case .nametingDiploma: return t.nameting?.uitkomst == .diploma
        case .nametingWerk: return t.nameting?.uitkomst == .werk
        case .nametingUitgevallen: return t.nameting?.uitkomst == .uitgevallen
        case .nametingOnbekend: return t.nameting?.uitkomst == .onbekend
        }
    }
}

/// A way to split a cohort: every case falls in exactly one group of each, so the groups of a
/// split add up to the total (which small-cell suppression relies on).
public enum Uitsplitsing: String, CaseIterable, Sendable, Codable {
    /// The programme's level (`entree`, `2`, `3`, `4`).
    case niveau
    /// `bol` or `bbl`.
    case leerweg
    /// The mbo institution.
    case instelling
    /// The programme's name.
    case opleiding
    /// The vso exit profile.
    case uitstroomprofiel
    /// The registering vso school.
    case vsoSchool
    /// `met coach` or `zonder coach`: whether a coach was ever assigned.
    case coaching
    /// `ja` or `nee`: whether an intake had a warme overdracht.
    case warmeOverdracht
    /// The region; only in the national roll-up.
    case regio

    /// The split in Dutch words, for a page people read.
    public var kop: String {
        switch self {
        case .vsoSchool: "vso-school"
        case .warmeOverdracht: "warme overdracht"
        default: rawValue
        }
    }

    /// The group of a case without a value (a programme without a level, say).
    public static let onbekend = "onbekend"

    /// The splits of one region's monitor.
    public static let regionaal: [Uitsplitsing] = allCases.filter { $0 != .regio }

    /// The group `traject` falls in. The programme is the one the student started on, else the
    /// one applied to at the mbo, else the one intended at the aanmelding.
    public func groep(_ t: Traject) -> String {
        let opleiding = t.gestarteOpleiding ?? t.beoogdeOpleiding
        switch self {
        case .niveau: return opleiding.niveau?.rawValue ?? Self.onbekend
        case .leerweg: return opleiding.leerweg?.rawValue ?? Self.onbekend
        case .instelling: return opleiding.instelling
        case .opleiding: return opleiding.opleiding
        case .uitstroomprofiel: return t.uitstroomprofiel.rawValue
        case .vsoSchool: return t.vsoSchool
        case .coaching: return t.coach != nil ? "met coach" : "zonder coach"
        case .warmeOverdracht: return t.warmeOverdrachtOp != nil ? "ja" : "nee"
        case .regio: return t.regio
        }
    }
}

/// One count of the monitor as it may be shown: a number, or hidden (decision 0019). A count
/// below `Cel.drempel` is `klein` (`<5`); a larger count hidden because it, with the total, would
/// give a small one away is `verborgen` (`x`).
public enum Cel: Equatable, Sendable, CustomStringConvertible {
    /// The count, shown.
    case aantal(Int)
    /// A count from 0 to `drempel` − 1, hidden.
    case klein
    /// A count of at least `drempel`, hidden so that no small count can be worked out.
    case verborgen

    /// Counts below this are not shown in figures that leave the region (decision 0019).
    public static let drempel = 5

    /// `12`, `<5` or `x`.
    public var description: String {
        switch self {
        case .aantal(let n): String(n)
        case .klein: "<\(Self.drempel)"
        case .verborgen: "x"
        }
    }

    /// Whether the count is hidden.
    public var isVerborgen: Bool { if case .aantal = self { false } else { true } }
}

/// The figures of one group (or the total): a `Cel` for every `Maat`.
public struct Cijfers: Equatable, Sendable {
    /// Every figure's cell.
    public var cellen: [Maat: Cel]

    /// The counts of `trajecten`, folded up to `peildatum`.
    public init(_ trajecten: [Traject], op peildatum: Datum) {
        cellen = Dictionary(uniqueKeysWithValues: Maat.allCases.map { maat in (maat, .aantal(trajecten.count { maat.telt($0, op: peildatum) })) })
    }

    /// The cell of `maat` (every figure has one).
    public subscript(maat: Maat) -> Cel {
        get { cellen[maat] ?? .verborgen }
        set { cellen[maat] = newValue }
    }
}

/// One group of a split and its figures.
public struct Groep: Equatable, Sendable {
    /// The group's value (`2`, `MBO Utrecht`, `met coach`, …).
    public var naam: String
    /// Its figures.
    public var cijfers: Cijfers
}

/// The regional monitor (DESIGN §4.5) of one cohort: the cases whose expected start falls in
/// `schooljaar`, registered by `peildatum`, counted as they stood that day; totals and splits.
/// No case ids: only counts.
public struct Monitor: Equatable, Sendable {
    /// The cohort: cases expected to start in this school year.
    public var schooljaar: Schooljaar
    /// What had happened by the end of this day.
    public var peildatum: Datum
    /// The cohort's figures.
    public var totaal: Cijfers
    /// Per split, its groups in name order (`onbekend` last).
    public var uitsplitsingen: [(Uitsplitsing, [Groep])]
    /// Whether small counts are hidden (`Monitoren.deelbaar()`).
    public internal(set) var isDeelbaar = false

    /// Counts the cohort of `schooljaar` among `trajecten` (each folded from its events up to
    /// `peildatum`; cases of other school years are left out), split by `uitsplitsingen`.
    public init(_ trajecten: [Traject], schooljaar: Schooljaar, op peildatum: Datum, uitsplitsingen: [Uitsplitsing]) {
        let cohort = trajecten.filter { Schooljaar($0.verwachteStartdatum) == schooljaar && $0.aangemeldOp <= peildatum }
        self.schooljaar = schooljaar
        self.peildatum = peildatum
        totaal = Cijfers(cohort, op: peildatum)
        self.uitsplitsingen = uitsplitsingen.map { uitsplitsing in
            let groepen = Dictionary(grouping: cohort, by: uitsplitsing.groep)
            return (uitsplitsing, groepen.keys.sorted { ($0 == Uitsplitsing.onbekend ? 1 : 0, $0) < ($1 == Uitsplitsing.onbekend ? 1 : 0, $1) }.map {
                Groep(naam: $0, cijfers: Cijfers(groepen[$0] ?? [], op: peildatum))
            })
        }
    }

    public static func == (a: Monitor, b: Monitor) -> Bool {
        a.schooljaar == b.schooljaar && a.peildatum == b.peildatum && a.totaal == b.totaal && a.isDeelbaar == b.isDeelbaar
            && a.uitsplitsingen.map(\.0) == b.uitsplitsingen.map(\.0) && a.uitsplitsingen.map(\.1) == b.uitsplitsingen.map(\.1)
    }
}
