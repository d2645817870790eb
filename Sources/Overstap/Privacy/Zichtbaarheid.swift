/// Who reads (DESIGN §6).
public enum Rol: String, Codable, Sendable, CaseIterable {
    case coordinator, coach, school, overstaptafel, mbo, admin
}

/// A reader: a role, and what ties it to cases.
public struct Lezer: Equatable, Sendable {
    public var rol: Rol
    /// The region of a coordinator, coach, school or overstaptafel.
    public var regio: String?
    /// The coach's id, for a coach.
    public var coach: String?
    /// The school's name, for a school.
    public var school: String?
    /// The mbo institution, for role `mbo`.
    public var instelling: String?

    public init(rol: Rol, regio: String? = nil, coach: String? = nil, school: String? = nil, instelling: String? = nil) {
        self.rol = rol
        self.regio = regio
        self.coach = coach
        self.school = school
        self.instelling = instelling
    }
}

/// How much of a student's personal data a reader sees.
public enum Inzicht: Equatable, Sendable {
    /// Everything, support needs included.
    case volledig
    /// Name, birth date and pupil number; no special-category data or free text.
    case basis
    /// What the receiving mbo needs for a warme overdracht: the name, the support needs and the
    /// notes of the intake and the handover to its care team; no birth date or pupil number.
    case ontvangend
    /// Nothing personal: the case id, phases and dates only.
    case geen
}

extension Traject {
    /// What `lezer` may see of this student now. The own coach and the region's coordinator see
    /// everything (their work needs it); others only with active consent for their scope, and the
    /// overstaptafel never sees special-category data. Nothing crosses a region; withdrawn consent
    /// counts from the next read, because every read folds the case anew.
    public func inzicht(voor lezer: Lezer) -> Inzicht {
        if lezer.rol == .admin { return .volledig }
        guard lezer.regio == regio, vergetenOp == nil else { return .geen }
        switch lezer.rol {
        case .admin, .coordinator: return .volledig
        case .coach: return lezer.coach != nil && lezer.coach == coach ? .volledig : .geen
        case .school: return lezer.school == vsoSchool && toestemmingen.contains(.mbo) ? .basis : .geen
        case .overstaptafel: return toestemmingen.contains(.overstaptafel) ? .basis : .geen
        case .mbo: return isToegankelijk(voor: lezer) && toestemmingen.contains(.mbo) ? .ontvangend : .geen
        }
    }
}

/// The personal data of an aanmelding as one reader may see it: a field is absent where its
/// `Inzicht` does not allow it.
public struct ZichtbarePersoonsgegevens: Equatable, Sendable, Encodable {
    /// The student's name (every level but `.geen`).
    public var naam: String
    /// With `.volledig` and `.basis`.
    public var geboortedatum: Datum?
    /// The school's pupil number, with `.volledig` and `.basis`.
    public var leerlingnummer: String?
    /// Special-category data: only with `.volledig` or `.ontvangend`.
    public var ondersteuningsbehoefte: String?
}

extension Aanmelding.Persoonsgegevens {
    /// The fields `inzicht` allows; `nil` for `.geen`.
    public func zichtbaar(_ inzicht: Inzicht) -> ZichtbarePersoonsgegevens? {
        switch inzicht {
        case .volledig:
            .init(naam: naam, geboortedatum: geboortedatum, leerlingnummer: leerlingnummer, ondersteuningsbehoefte: ondersteuningsbehoefte)
        case .basis: .init(naam: naam, geboortedatum: geboortedatum, leerlingnummer: leerlingnummer, ondersteuningsbehoefte: nil)
        case .ontvangend: .init(naam: naam, ondersteuningsbehoefte: ondersteuningsbehoefte)
        case .geen: nil
        }
    }
}

extension Inzicht {
    /// Whether this reader sees the notes of the warme overdracht (the intake's agreements, the
    /// handover to the care team): the own coach and coordinator, and the receiving mbo with consent.
    public var zietOverdrachtsnotities: Bool { self == .volledig || self == .ontvangend }
}

extension Traject {
    /// Whether `lezer` may see the case at all: its phases, dates and timeline (personal data
    /// follows `inzicht`). Coaches see their own caseload, schools their own pupils, coordinators
    /// and overstaptafels their region, an mbo the students who applied to or follow a programme
    /// at it now (`mboInstelling`: not those who went elsewhere); nothing crosses a region.
    public func isToegankelijk(voor lezer: Lezer) -> Bool {
        if lezer.rol == .admin { return true }
        guard lezer.regio == regio else { return false }
        switch lezer.rol {
        case .admin, .coordinator, .overstaptafel: return true
        case .coach: return lezer.coach != nil && lezer.coach == coach
        case .school: return lezer.school == vsoSchool
        case .mbo: return lezer.instelling != nil && lezer.instelling == mboInstelling
        }
    }
}

extension Lezer {
    /// Whether a case in `fase` is on this reader's at-risk list. The overstaptafel discusses
    /// students on their way: a case closed or handed over (whose one reason left can be a missing
    /// follow-up, the coordinator's work) is not on its list, nor its name with it.
    public func zietOpRisicolijst(_ fase: Fase) -> Bool {
        rol != .overstaptafel || (fase != .afgesloten && fase != .overgedragen)
    }

    /// Types recorded only by Overstap itself: the aanmelding opens a case, no-shows come from the
    /// nightly job, forgetting has its own call.
    public static let systeemtypen: Set<GebeurtenisType> = [.aanmelding, .noShowGesignaleerd, .leerlingVergeten]

    /// Whether this reader may use the lists of `regio`.
    public func magRegio(_ regio: String) -> Bool { rol == .admin || self.regio == regio }

    /// Whether this reader may register a new student with `aanmelding`.
    public func magAanmelden(_ aanmelding: Aanmelding) -> Bool {
        switch rol {
        case .coordinator: regio == aanmelding.regio
        case .school: regio == aanmelding.regio && school == aanmelding.vsoSchool
        case .coach, .overstaptafel, .mbo, .admin: false
        }
    }

    /// Whether this reader may record an event of `type` on `traject`: coordinators anything in
    /// their region, coaches anything on their own caseload except (re)assigning coaches, an
    /// overstaptafel only its own decisions, an mbo what happens at the mbo (`mboTypen`) for its
    /// own students. Admins manage (inzage, forgetting); they do not coach.
    public func magRegistreren(_ type: GebeurtenisType, op traject: Traject) -> Bool {
        guard !Self.systeemtypen.contains(type), traject.isToegankelijk(voor: self) else { return false }
        switch rol {
        case .coordinator: return true
        case .coach: return type != .coachToegewezen
        case .overstaptafel: return type == .overstaptafelBesproken
        case .mbo: return Self.mboTypen.contains(type)
        case .school, .admin: return false
        }
    }

    /// Whether this reader may record `gebeurtenis` on `traject`: as `magRegistreren(_:op:)` for its
    /// type, and an mbo only a start or a switch at its own institution (sending a student
    /// elsewhere is for the coach or the coordinator, who see both sides).
    public func magRegistreren(_ gebeurtenis: Gebeurtenis, op traject: Traject) -> Bool {
        guard magRegistreren(gebeurtenis.soort, op: traject) else { return false }
        switch (rol, gebeurtenis) {
        case (.mbo, .gestart(let opleiding)), (.mbo, .opleidingGewijzigd(let opleiding)): return opleiding.instelling == instelling
        default: return true
        }
    }

    /// What the receiving mbo records: the intake, the start, a switch, a diploma, an evaluation.
    public static let mboTypen: Set<GebeurtenisType> = [.intakegesprek, .gestart, .opleidingGewijzigd, .diplomaBehaald, .evaluatiegesprek]
}

extension Gebeurtenis {
    /// Whether the event hints at special-category data (AVG art. 9: health, home situation, care):
    /// a health or home-situation signal, the handover to the care team, a table's decision to
    /// involve care, an evaluation that asks for extra support.
    public var isBijzonder: Bool {
        switch self {
        case .signaal(let s), .signaalOpgelost(let s): [.gezondheid, .thuissituatie].contains(s.soort)
        case .overdrachtZorgteam: true
        case .overstaptafelBesproken(let o): o.besluit == .zorgInschakelen
        case .evaluatiegesprek(let e): e.uitkomst == .extraOndersteuning
        default: false
        }
    }
}

extension Inzicht {
    /// Whether a reader with this insight sees special-category hints on a timeline: only with
    /// `.volledig` (the own coach, the region's coordinator, an admin). Everyone else sees such a
    /// line pseudonymously (`TijdlijnRegel.bijzonderVerborgen`), consent or not (DESIGN §6:
    /// the overstaptafel never sees special-category fields).
    public var zietBijzondereGegevens: Bool { self == .volledig }
}
