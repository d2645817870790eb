import Foundation

/// Every threshold the rules use, with the defaults of the regional agreements; a region may
/// override any of them. A limit of N days means: the reason holds from reference + N days on.
public struct Instellingen: Codable, Equatable, Sendable {
    /// A coach is expected within this many days of the aanmelding.
    public var geenCoachNaDagen = 14
    /// A welkomstgesprek is expected within this many days of the aanmelding.
    public var geenWelkomstgesprekNaDagen = 28
    /// `gestart` is expected within this many days of the expected start.
    public var startOnbevestigdNaDagen = 14
    /// The first weeks after the start, when contact must be more frequent.
    public var eersteWekenNaStart = 13
    /// Maximum days between contacts in those first weeks.
    public var contactInterval = 21
    /// Maximum days between contacts after them.
    public var contactIntervalDaarna = 42
    /// Maximum days between visits to a stage.
    public var stagebezoekInterval = 42
    /// Maximum days between visits while a signal is open.
    public var stagebezoekIntervalMetSignaal = 14
    /// An evaluatiegesprek is expected this many weeks after the start.
    public var evaluatieNaWeken = 13
    /// Afbouw is expected this many weeks after the start, once an evaluatiegesprek took place.
    public var afbouwNaWeken = 26
    /// A signal open this many days needs attention.
    public var signaalOpenDagen = 14
    /// An overdracht is expected this many weeks after afbouw started.
    public var overdrachtNaAfbouwWeken = 13
    /// A follow-up (`nameting`) is planned a year (52 weeks) after the start, or after the closing
    /// for a student who never started; without one, `nameting_verlopen` holds from this many
    /// weeks after that day (a year and a month by default).
    public var nametingVerlopenNaWeken = 56
    /// An event recorded more than this many days after it happened is marked late on the timeline.
    public var laatGeregistreerdNaDagen = 7
    /// Days a closed case keeps its personal data before the nightly job forgets it.
    public var bewaartermijnDagen = 730
    /// Coach load norm: fewer active cases than this is `onder`.
    public var normMinimum = 20
    /// Coach load norm: more active cases than this is `boven`.
    public var normMaximum = 25

    /// The defaults.
    public init() {}

    /// Reads the fields present in JSON over the defaults, so an override names only what differs.
    public init(from decoder: Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func read(_ key: CodingKeys, into value: inout Int) throws {
            guard let given = try container.decodeIfPresent(Int.self, forKey: key) else { return }
            guard given >= 0 else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "moet 0 of meer zijn")
            }
            value = given
        }
        try read(.geenCoachNaDagen, into: &geenCoachNaDagen)
        try read(.geenWelkomstgesprekNaDagen, into: &geenWelkomstgesprekNaDagen)
        try read(.startOnbevestigdNaDagen, into: &startOnbevestigdNaDagen)
        try read(.eersteWekenNaStart, into: &eersteWekenNaStart)
        try read(.contactInterval, into: &contactInterval)
        try read(.contactIntervalDaarna, into: &contactIntervalDaarna)
        try read(.stagebezoekInterval, into: &stagebezoekInterval)
        try read(.stagebezoekIntervalMetSignaal, into: &stagebezoekIntervalMetSignaal)
        try read(.evaluatieNaWeken, into: &evaluatieNaWeken)
        try read(.afbouwNaWeken, into: &afbouwNaWeken)
        try read(.signaalOpenDagen, into: &signaalOpenDagen)
        try read(.overdrachtNaAfbouwWeken, into: &overdrachtNaAfbouwWeken)
        try read(.laatGeregistreerdNaDagen, into: &laatGeregistreerdNaDagen)
        try read(.nametingVerlopenNaWeken, into: &nametingVerlopenNaWeken)
        try read(.bewaartermijnDagen, into: &bewaartermijnDagen)
        try read(.normMinimum, into: &normMinimum)
        try read(.normMaximum, into: &normMaximum)
        guard normMinimum <= normMaximum else {
            throw DecodingError.dataCorruptedError(
                forKey: .normMaximum, in: container, debugDescription: "moet minstens normMinimum zijn")
        }
    }
}

/// The settings of every region: the defaults, and per region what it overrides.
public struct RegioInstellingen: Sendable, Equatable {
    /// Settings for regions without overrides.
    public var standaard: Instellingen
    /// Settings per region.
    public var perRegio: [String: Instellingen]

    /// Creates settings.
    public init(standaard: Instellingen = Instellingen(), perRegio: [String: Instellingen] = [:]) {
        self.standaard = standaard
        self.perRegio = perRegio
    }

    /// The settings that hold in `regio`.
    public func voor(_ regio: String) -> Instellingen { perRegio[regio] ?? standaard }

    /// Reads `{"standaard": {…}, "regios": {"R": {…}}}`; a region's fields override the standaard's.
    public init(json: Data) throws {
        let object = try JSONSerialization.jsonObject(with: json) as? [String: Any] ?? [:]
        let standaardObject = object["standaard"] as? [String: Any] ?? [:]
        let standaard = try JSONDecoder().decode(
            Instellingen.self, from: JSONSerialization.data(withJSONObject: standaardObject))
        var perRegio: [String: Instellingen] = [:]
        for (regio, override) in object["regios"] as? [String: [String: Any]] ?? [:] {
            let merged = standaardObject.merging(override) { $1 }
            perRegio[regio] = try JSONDecoder().decode(
                Instellingen.self, from: JSONSerialization.data(withJSONObject: merged))
        }
        self.init(standaard: standaard, perRegio: perRegio)
    }
}
