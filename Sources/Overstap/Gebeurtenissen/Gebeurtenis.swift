/// Everything that can happen on a case, under its Dutch wire name. Personal data (names, birth
/// date, pupil number, support needs, free text, attendees) sits in each payload's optional
/// `persoonsgegevens`, apart from the fields projections and statistics read; read models keep
/// payloads without it, and a forgotten student's events fold the same without it.
public enum Gebeurtenis: Equatable, Sendable {
    case aanmelding(Aanmelding)
    case toestemmingGegeven(Toestemming)
    case toestemmingIngetrokken(Toestemming)
    case coachToegewezen(CoachToegewezen)
    case welkomstgesprek(Gesprek)
    case mboAanmelding(Opleiding)
    case intakegesprek(Intakegesprek)
    case overstaptafelBesproken(OverstaptafelBesproken)
    case gestart(Opleiding)
    case noShowGesignaleerd(NoShowGesignaleerd)
    case contactmoment(Contactmoment)
    case stageGestart(Stage)
    case stageBeeindigd(Stage)
    case stagebezoek(Stagebezoek)
    case signaal(Signaal)
    case signaalOpgelost(Signaal)
    case evaluatiegesprek(Evaluatiegesprek)
    case afbouwGestart(AfbouwGestart)
    case overdrachtZorgteam(OverdrachtZorgteam)
    case afgesloten(Afgesloten)
    case leerlingVergeten(LeerlingVergeten)
    case opleidingGewijzigd(Opleiding)
    case diplomaBehaald(DiplomaBehaald)
    case nameting(Nameting)
}

/// Free text about a student: personal data, kept under `persoonsgegevens`.
public struct Notitie: Codable, Equatable, Sendable {
    /// The text, if any.
    public var notitie: String?
    /// Creates a note.
    public init(_ notitie: String? = nil) { self.notitie = notitie }
}

/// The school registers the student for transition coaching; opens the case.
public struct Aanmelding: Codable, Equatable, Sendable {
    /// The student and their support needs (special-category data).
    public struct Persoonsgegevens: Codable, Equatable, Sendable {
        public var naam: String
        public var geboortedatum: Datum
        public var leerlingnummer: String
        public var ondersteuningsbehoefte: String?
        public init(naam: String, geboortedatum: Datum, leerlingnummer: String, ondersteuningsbehoefte: String? = nil) {
            self.naam = naam
            self.geboortedatum = geboortedatum
            self.leerlingnummer = leerlingnummer
            self.ondersteuningsbehoefte = ondersteuningsbehoefte
        }
    }
    /// The region that owns the case.
    public var regio: String
    /// The registering vso school.
    public var vsoSchool: String
    /// The exit profile.
    public var uitstroomprofiel: Uitstroomprofiel
    /// The intended mbo programme.
    public var beoogdeOpleiding: Opleiding
    /// When the student is expected to start at the mbo.
    public var verwachteStartdatum: Datum
    /// Personal data.
    public var persoonsgegevens: Persoonsgegevens?

    public init(regio: String, vsoSchool: String, uitstroomprofiel: Uitstroomprofiel, beoogdeOpleiding: Opleiding,
                verwachteStartdatum: Datum, persoonsgegevens: Persoonsgegevens?) {
        self.regio = regio
        self.vsoSchool = vsoSchool
        self.uitstroomprofiel = uitstroomprofiel
        self.beoogdeOpleiding = beoogdeOpleiding
        self.verwachteStartdatum = verwachteStartdatum
        self.persoonsgegevens = persoonsgegevens
    }
}

/// Consent given or withdrawn, by whom and for what.
public struct Toestemming: Codable, Equatable, Sendable {
    public var door: Toestemmer
    public var scope: [ToestemmingsScope]
    public init(door: Toestemmer, scope: [ToestemmingsScope]) {
        self.door = door
        self.scope = scope
    }
}

/// A coach takes on the case (again: a reassignment is another one).
public struct CoachToegewezen: Codable, Equatable, Sendable {
    /// The coach's id (never a name).
    public var coach: String
    public init(coach: String) { self.coach = coach }
}

/// A meeting with attendees and agreements (welkomstgesprek).
public struct Gesprek: Codable, Equatable, Sendable {
    public struct Persoonsgegevens: Codable, Equatable, Sendable {
        public var aanwezigen: [String]
        public var afspraken: String?
        public init(aanwezigen: [String] = [], afspraken: String? = nil) {
            self.aanwezigen = aanwezigen
            self.afspraken = afspraken
        }
    }
    public var persoonsgegevens: Persoonsgegevens?
    public init(persoonsgegevens: Persoonsgegevens? = nil) { self.persoonsgegevens = persoonsgegevens }
}

/// The intake at the mbo.
public struct Intakegesprek: Codable, Equatable, Sendable {
    /// Whether the coach handed the student over in person.
    public var warmeOverdracht: Bool
    public var persoonsgegevens: Gesprek.Persoonsgegevens?
    public init(warmeOverdracht: Bool, persoonsgegevens: Gesprek.Persoonsgegevens? = nil) {
        self.warmeOverdracht = warmeOverdracht
        self.persoonsgegevens = persoonsgegevens
    }
}

/// An overstaptafel discussed the student.
public struct OverstaptafelBesproken: Codable, Equatable, Sendable {
    /// Which table, e.g. `april-2026`.
    public var tafel: String
    public var besluit: Tafelbesluit
    public var persoonsgegevens: Notitie?
    public init(tafel: String, besluit: Tafelbesluit, persoonsgegevens: Notitie? = nil) {
        self.tafel = tafel
        self.besluit = besluit
        self.persoonsgegevens = persoonsgegevens
    }
}

/// Written by the nightly job.
public struct NoShowGesignaleerd: Codable, Equatable, Sendable {
    public var peildatum: Datum
    public var schooljaar: Schooljaar
    public var soort: NoShowSoort
    public init(peildatum: Datum, schooljaar: Schooljaar, soort: NoShowSoort) {
        self.peildatum = peildatum
        self.schooljaar = schooljaar
        self.soort = soort
    }
}

/// A coaching contact.
public struct Contactmoment: Codable, Equatable, Sendable {
    public struct Persoonsgegevens: Codable, Equatable, Sendable {
        public var onderwerp: String?
        public init(onderwerp: String? = nil) { self.onderwerp = onderwerp }
    }
    public var vorm: Contactvorm
    public var persoonsgegevens: Persoonsgegevens?
    public init(vorm: Contactvorm, persoonsgegevens: Persoonsgegevens? = nil) {
        self.vorm = vorm
        self.persoonsgegevens = persoonsgegevens
    }
}

/// A work placement started or ended.
public struct Stage: Codable, Equatable, Sendable {
    public var stagebedrijf: String
    public init(stagebedrijf: String) { self.stagebedrijf = stagebedrijf }
}

/// A visit to the work placement.
public struct Stagebezoek: Codable, Equatable, Sendable {
    public struct Persoonsgegevens: Codable, Equatable, Sendable {
        public var bevindingen: String?
        public init(bevindingen: String? = nil) { self.bevindingen = bevindingen }
    }
    public var stagebedrijf: String
    /// Whether the visit raised a signal (recorded separately as `signaal`).
    public var signaal: Bool
    public var persoonsgegevens: Persoonsgegevens?
    public init(stagebedrijf: String, signaal: Bool = false, persoonsgegevens: Persoonsgegevens? = nil) {
        self.stagebedrijf = stagebedrijf
        self.signaal = signaal
        self.persoonsgegevens = persoonsgegevens
    }
}

/// A risk signal raised or resolved.
public struct Signaal: Codable, Equatable, Sendable {
    public var soort: Signaalsoort
    public var persoonsgegevens: Notitie?
    public init(soort: Signaalsoort, persoonsgegevens: Notitie? = nil) {
        self.soort = soort
        self.persoonsgegevens = persoonsgegevens
    }
}

/// An evaluation and its outcome.
public struct Evaluatiegesprek: Codable, Equatable, Sendable {
    public var uitkomst: Evaluatieuitkomst
    public var persoonsgegevens: Notitie?
    public init(uitkomst: Evaluatieuitkomst, persoonsgegevens: Notitie? = nil) {
        self.uitkomst = uitkomst
        self.persoonsgegevens = persoonsgegevens
    }
}

/// Afbouw starts, with its plan.
public struct AfbouwGestart: Codable, Equatable, Sendable {
    public var persoonsgegevens: Notitie?
    public init(persoonsgegevens: Notitie? = nil) { self.persoonsgegevens = persoonsgegevens }
}

/// The handover to the mbo's care team.
public struct OverdrachtZorgteam: Codable, Equatable, Sendable {
    public struct Persoonsgegevens: Codable, Equatable, Sendable {
        public var contactpersoon: String
        public var overdrachtsnotitie: String?
        public init(contactpersoon: String, overdrachtsnotitie: String? = nil) {
            self.contactpersoon = contactpersoon
            self.overdrachtsnotitie = overdrachtsnotitie
        }
    }
    public var persoonsgegevens: Persoonsgegevens?
    public init(persoonsgegevens: Persoonsgegevens?) { self.persoonsgegevens = persoonsgegevens }
}

/// The student's personal data was destroyed (its key); says why, holds no personal data itself.
public struct LeerlingVergeten: Codable, Equatable, Sendable {
    public var reden: VergeetReden
    public init(reden: VergeetReden) { self.reden = reden }
}

/// The case is closed.
public struct Afgesloten: Codable, Equatable, Sendable {
    public var reden: Afsluitreden
    public var persoonsgegevens: Notitie?
    public init(reden: Afsluitreden, persoonsgegevens: Notitie? = nil) {
        self.reden = reden
        self.persoonsgegevens = persoonsgegevens
    }
}

/// The student obtained an mbo diploma.
public struct DiplomaBehaald: Codable, Equatable, Sendable {
    /// The diploma's level.
    public var niveau: Niveau
    /// A diploma of `niveau`.
    public init(niveau: Niveau) { self.niveau = niveau }
}

/// The follow-up about a year after the start (or after the coaching ended, for a student who
/// never started): where the student is now (DESIGN §3). May be recorded after the case was closed.
public struct Nameting: Codable, Equatable, Sendable {
    /// What the follow-up found.
    public var uitkomst: NametingUitkomst
    /// The programme the student follows: given exactly when `uitkomst` is `mbo`.
    public var opleiding: Opleiding?
    /// A note on how the student fares (personal data).
    public var persoonsgegevens: Notitie?
    /// A follow-up that found `uitkomst`.
    public init(uitkomst: NametingUitkomst, opleiding: Opleiding? = nil, persoonsgegevens: Notitie? = nil) {
        self.uitkomst = uitkomst
        self.opleiding = opleiding
        self.persoonsgegevens = persoonsgegevens
    }
}
