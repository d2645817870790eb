/// A rule an event would break; nothing is written.
public enum RegelFout: Error, Equatable, Sendable, CustomStringConvertible {
    case trajectBestaatNiet
    case trajectBestaatAl
    case trajectAfgesloten
    case datumInDeToekomst
    case datumVoorAanmelding
    case eerstGestart(String)
    case alGestart
    case geenCoach(String)
    case zelfdeCoach
    case geenStage
    case alOpStage
    case geenOpenSignaal(Signaalsoort)
    case afbouwAlGestart
    case alOvergedragen
    case geenToestemmingVoorScope(ToestemmingsScope)
    case legeScope
    case datumVoor(String)
    case persoonsgegevensOntbreken(String)
    case trajectVergeten
    case geboortedatumNaAanmelding
    case zelfdeOpleiding
    case nametingOpleiding
    case nametingVoorStart

    public var description: String {
        switch self {
        case .trajectBestaatNiet: "dit traject bestaat niet; begin met een aanmelding"
        case .trajectBestaatAl: "dit traject is al aangemeld"
        case .trajectAfgesloten: "dit traject is afgesloten; er kan niets meer bij van na de afsluiting"
        case .datumInDeToekomst: "de datum ligt in de toekomst"
        case .datumVoorAanmelding: "de datum ligt voor de aanmelding"
        case .eerstGestart(let type): "\(type) kan pas als de leerling gestart is"
        case .alGestart: "de leerling is al gestart"
        case .geenCoach(let type): "\(type) vraagt om een toegewezen coach"
        case .zelfdeCoach: "deze coach is al toegewezen"
        case .geenStage: "de leerling loopt geen stage"
        case .alOpStage: "de leerling loopt al stage; beëindig die eerst"
        case .geenOpenSignaal(let soort): "er is geen open signaal '\(soort.rawValue)'"
        case .afbouwAlGestart: "de afbouw is al gestart"
        case .alOvergedragen: "het traject is al overgedragen aan het zorgteam"
        case .geenToestemmingVoorScope(let scope): "er is geen toestemming voor '\(scope.rawValue)' om in te trekken"
        case .legeScope: "noem ten minste één scope"
        case .datumVoor(let stap): "de datum ligt voor \(stap)"
        case .persoonsgegevensOntbreken(let type): "\(type) vraagt om persoonsgegevens"
        case .trajectVergeten: "de persoonsgegevens van deze leerling zijn verwijderd; er kunnen geen persoonsgegevens meer bij"
        case .geboortedatumNaAanmelding: "de geboortedatum ligt niet voor de aanmelding"
        case .zelfdeOpleiding: "de leerling volgt deze opleiding al"
        case .nametingOpleiding: "een nameting noemt de opleiding precies als de uitkomst 'mbo' is"
        case .nametingVoorStart: "een nameting kan pas vanaf de start, of voor wie niet startte vanaf de afsluiting"
        }
    }
}

extension Traject {
    /// What may be recorded on or after the closing day: the follow-up a year on (`nameting`), and
    /// the diploma, often obtained as the case is closed or after it.
    public static let naAfsluiting: Set<GebeurtenisType> = [.nameting, .diplomaBehaald]

    /// The decide step: checks `gebeurtenis` on day `datum` against the case as it stands
    /// (`nil`: no case yet) and today; throws the first rule it breaks.
    public static func beslis(_ gebeurtenis: Gebeurtenis, op datum: Datum, traject: Traject?, vandaag: Datum) throws(RegelFout) {
        guard datum <= vandaag else { throw .datumInDeToekomst }
        guard let traject else {
            guard case .aanmelding(let aanmelding) = gebeurtenis else { throw .trajectBestaatNiet }
            guard let persoonsgegevens = aanmelding.persoonsgegevens else { throw .persoonsgegevensOntbreken("aanmelding") }
            guard persoonsgegevens.geboortedatum < datum else { throw .geboortedatumNaAanmelding }
            return
        }
        // A forgotten case goes on as a case without personal data: what carries none may still be
        // recorded (a no-show flag, a contact moment), what carries some has nowhere to go.
        if traject.vergetenOp != nil {
            if case .leerlingVergeten = gebeurtenis { throw .trajectVergeten }
            guard !gebeurtenis.heeftPersoonsgegevens else { throw .trajectVergeten }
        }
        // Forgetting is administrative: it may follow the closing (that is what retention does).
        if case .leerlingVergeten = gebeurtenis { return }
        // Nothing on or after the closing day; what happened before it may still be recorded late.
        // The follow-up and the diploma are the exceptions (`naAfsluiting`).
        if let afgeslotenOp = traject.afgeslotenOp, datum >= afgeslotenOp, !naAfsluiting.contains(gebeurtenis.soort) {
            throw .trajectAfgesloten
        }
        guard datum >= traject.aangemeldOp else { throw .datumVoorAanmelding }
        try traject.controleer(gebeurtenis, op: datum)
    }

    private func controleer(_ gebeurtenis: Gebeurtenis, op datum: Datum) throws(RegelFout) {
        func naStart() throws(RegelFout) {
            guard let gestartOp else { throw .eerstGestart(gebeurtenis.type) }
            guard datum >= gestartOp else { throw .datumVoor("de start") }
        }
        func metCoach() throws(RegelFout) {
            guard coach != nil else { throw .geenCoach(gebeurtenis.type) }
        }
        switch gebeurtenis {
        case .aanmelding:
            throw .trajectBestaatAl
        case .toestemmingGegeven(let t):
            guard !t.scope.isEmpty else { throw .legeScope }
        case .toestemmingIngetrokken(let t):
            guard !t.scope.isEmpty else { throw .legeScope }
            if let missing = t.scope.first(where: { !toestemmingen.contains($0) }) {
                throw .geenToestemmingVoorScope(missing)
            }
        case .coachToegewezen(let c):
            guard c.coach != coach else { throw .zelfdeCoach }
            guard overgedragenOp == nil else { throw .alOvergedragen }
        case .welkomstgesprek, .intakegesprek:
            try metCoach()
        case .mboAanmelding, .overstaptafelBesproken, .contactmoment:
            break
        case .gestart:
            guard gestartOp == nil else { throw .alGestart }
        case .noShowGesignaleerd:
            // A night missed and caught up later may flag a student who started after the due day.
            if let gestartOp, gestartOp <= datum { throw .alGestart }
        case .stageGestart:
            try naStart()
            guard stage == nil else { throw .alOpStage }
        case .stageBeeindigd, .stagebezoek:
            guard stage != nil, let stageSinds else { throw .geenStage }
            guard datum >= stageSinds else { throw .datumVoor("het begin van de stage") }
        case .signaal:
            break
        case .signaalOpgelost(let s):
            guard let sinds = openSignalen[s.soort] else { throw .geenOpenSignaal(s.soort) }
            guard datum >= sinds else { throw .datumVoor("het signaal") }
        case .evaluatiegesprek:
            try naStart()
        case .afbouwGestart:
            try naStart()
            guard afbouwSinds == nil else { throw .afbouwAlGestart }
        case .overdrachtZorgteam(let overdracht):
            guard overdracht.persoonsgegevens != nil else { throw .persoonsgegevensOntbreken(gebeurtenis.type) }
            try metCoach()
            try naStart()
            guard overgedragenOp == nil else { throw .alOvergedragen }
        case .afgesloten:
            guard afgeslotenOp == nil else { throw .trajectAfgesloten }
        case .leerlingVergeten:
            break
        case .opleidingGewijzigd(let opleiding):
            try naStart()
            guard !opleiding.isZelfde(als: huidigeOpleiding) else { throw .zelfdeOpleiding }
        case .diplomaBehaald:
            try naStart()
        case .nameting(let n):
            guard (n.uitkomst == .mbo) == (n.opleiding != nil) else { throw .nametingOpleiding }
            guard let referentie = nametingReferentie, datum >= referentie else { throw .nametingVoorStart }
        }
    }
}
