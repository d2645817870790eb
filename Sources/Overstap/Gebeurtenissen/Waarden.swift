/// The mbo level of a programme.
public enum Niveau: String, Codable, Sendable, CaseIterable {
    case entree, niveau2 = "2", niveau3 = "3", niveau4 = "4"
}

/// School-based (bol) or work-based (bbl) learning.
public enum Leerweg: String, Codable, Sendable, CaseIterable { case bol, bbl }

/// The vso exit profile.
public enum Uitstroomprofiel: String, Codable, Sendable, CaseIterable {
    case vervolgonderwijs, arbeidsmarkt, dagbesteding
}

/// An mbo programme at an institution.
public struct Opleiding: Codable, Equatable, Sendable {
    /// The mbo institution.
    public var instelling: String
    /// The programme.
    public var opleiding: String
    /// Its level.
    public var niveau: Niveau?
    /// Its learning route.
    public var leerweg: Leerweg?

    /// Creates a programme.
    public init(instelling: String, opleiding: String, niveau: Niveau? = nil, leerweg: Leerweg? = nil) {
        self.instelling = instelling
        self.opleiding = opleiding
        self.niveau = niveau
        self.leerweg = leerweg
    }
}

extension Opleiding {
    /// Whether this, as a switch, names the programme `huidige` already is: the same institution
    /// and programme (whatever their case), and a level and route that are left out or the same.
    public func isZelfde(als huidige: Opleiding?) -> Bool {
        guard let huidige else { return false }
        return instelling.lowercased() == huidige.instelling.lowercased() && opleiding.lowercased() == huidige.opleiding.lowercased()
            && (niveau == nil || niveau == huidige.niveau) && (leerweg == nil || leerweg == huidige.leerweg)
    }
}

/// Who gave or withdrew consent.
public enum Toestemmer: String, Codable, Sendable, CaseIterable { case leerling, ouder }

/// With whom information may be exchanged.
public enum ToestemmingsScope: String, Codable, Sendable, CaseIterable, Comparable {
    case mbo, gemeente, leerplicht, zorg, overstaptafel

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// What the nightly job found.
public enum NoShowSoort: String, Codable, Sendable, CaseIterable {
    /// Two weeks past the expected start without `gestart`.
    case startOnbevestigd = "start_onbevestigd"
    /// On 1 October still without `gestart`.
    case nietGeplaatst = "niet_geplaatst"
}

/// How a coaching contact took place.
public enum Contactvorm: String, Codable, Sendable, CaseIterable { case gesprek, telefoon, app, mail, huisbezoek }

/// The kind of a risk signal.
public enum Signaalsoort: String, Codable, Sendable, CaseIterable, Comparable {
    case verzuim, stage, thuissituatie, gezondheid, motivatie, financien, overig

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// The outcome of an evaluatiegesprek.
public enum Evaluatieuitkomst: String, Codable, Sendable, CaseIterable {
    case doorgaan, afbouwen, extraOndersteuning = "extra_ondersteuning", afsluiten
}

/// What an overstaptafel decided for a student.
public enum Tafelbesluit: String, Codable, Sendable, CaseIterable {
    case geenActie = "geen_actie", extraBegeleiding = "extra_begeleiding", andereOpleiding = "andere_opleiding"
    case leerplichtInschakelen = "leerplicht_inschakelen", zorgInschakelen = "zorg_inschakelen"
}

/// Why a student's personal data was destroyed.
public enum VergeetReden: String, Codable, Sendable, CaseIterable {
    /// The student (or a parent) asked for it (AVG art. 17).
    case verzoek
    /// The case was closed longer than the retention period.
    case bewaartermijn
}

/// Why a case was closed.
public enum Afsluitreden: String, Codable, Sendable, CaseIterable {
    case diploma, werk, overgestapt, uitgevallen, verhuisd, overig
}

/// What a follow-up (`nameting`) found a year on.
public enum NametingUitkomst: String, Codable, Sendable, CaseIterable {
    /// Still at the mbo (on the programme the nameting names).
    case mbo
    /// Left the mbo with a diploma.
    case diploma
    /// At work.
    case werk
    /// Left the mbo without a diploma.
    case uitgevallen
    /// Not found out; also closes a follow-up that cannot be done.
    case onbekend
}
