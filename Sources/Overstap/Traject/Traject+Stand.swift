import Foundation

/// The snapshot of a case as `trajecten.stand` stores it: every stored property of `Traject` in a
/// fixed order, in a compact binary form (decision 0009). Regional lists read one per case, so it
/// must decode in microseconds; JSON through Foundation took ~50 µs per case. Sets are written
/// sorted, so the same state always gives the same bytes (a rebuild or a restore compares equal).
/// A change to the stored properties raises `Traject.standVersie`.
extension Traject {
    /// The state as snapshot bytes.
    public func alsStand() -> Data {
        var s = StandSchrijver()
        s.schrijf(id); s.schrijf(regio); s.schrijf(vsoSchool); s.schrijf(aangemeldOp); s.schrijf(verwachteStartdatum)
        s.schrijf(beoogdeOpleiding); s.schrijf(coach); s.schrijf(coachSinds); s.schrijf(toestemmingen)
        s.schrijf(welkomstgesprekOp); s.schrijf(mboAanmeldingOp); s.schrijf(intakeOp); s.schrijf(gestartOp)
        s.schrijf(noShow); s.schrijf(gesignaleerd); s.schrijf(laatsteContact); s.schrijf(stage)
        s.schrijf(stageSinds); s.schrijf(laatsteStagebezoek); s.schrijf(openSignalen); s.schrijf(laatsteEvaluatie)
        s.schrijf(afbouwSinds); s.schrijf(overgedragenOp); s.schrijf(afgeslotenOp); s.schrijf(afsluitreden)
        s.schrijf(vergetenOp); s.schrijf(laatsteGebeurtenisOp)
        s.schrijf(uitstroomprofiel); s.schrijf(warmeOverdrachtOp); s.schrijf(gestarteOpleiding); s.schrijf(huidigeOpleiding)
        s.schrijf(gewisseldOp); s.schrijf(diploma); s.schrijf(nameting)
        return Data(s.bytes)
    }

    /// The state from snapshot bytes of shape `standVersie`.
    public init(stand: Data) throws {
        var l = StandLezer(Array(stand))
        id = try l.lees(); regio = try l.lees(); vsoSchool = try l.lees(); aangemeldOp = try l.lees()
        verwachteStartdatum = try l.lees(); beoogdeOpleiding = try l.lees(); coach = try l.lees()
        coachSinds = try l.lees(); toestemmingen = try l.lees(); welkomstgesprekOp = try l.lees()
        mboAanmeldingOp = try l.lees(); intakeOp = try l.lees(); gestartOp = try l.lees(); noShow = try l.lees()
        gesignaleerd = try l.lees(); laatsteContact = try l.lees(); stage = try l.lees()
        stageSinds = try l.lees(); laatsteStagebezoek = try l.lees(); openSignalen = try l.lees()
        laatsteEvaluatie = try l.lees(); afbouwSinds = try l.lees(); overgedragenOp = try l.lees()
        afgeslotenOp = try l.lees(); afsluitreden = try l.lees(); vergetenOp = try l.lees(); laatsteGebeurtenisOp = try l.lees()
        uitstroomprofiel = try l.lees(); warmeOverdrachtOp = try l.lees(); gestarteOpleiding = try l.lees()
        huidigeOpleiding = try l.lees(); gewisseldOp = try l.lees(); diploma = try l.lees(); nameting = try l.lees()
        guard l.isKlaar else { throw StandFout() }
    }
}

/// A snapshot that does not decode: written in another shape, or damaged.
struct StandFout: Error, CustomStringConvertible {
    var description: String { "de opgeslagen stand van een traject is onleesbaar; bouw de projectie opnieuw op" }
}

/// A value in a snapshot.
protocol StandWaarde {
    func schrijf(naar s: inout StandSchrijver)
    init(uit l: inout StandLezer) throws
}

struct StandSchrijver {
    var bytes: [UInt8] = []

    mutating func schrijf(_ waarde: some StandWaarde) { waarde.schrijf(naar: &self) }

    mutating func schrijf(geheel: Int32) { withUnsafeBytes(of: geheel.littleEndian) { bytes += $0 } }
}

struct StandLezer {
    let bytes: [UInt8]
    var plek = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isKlaar: Bool { plek == bytes.count }

    mutating func lees<T: StandWaarde>(_: T.Type = T.self) throws -> T { try T(uit: &self) }

    mutating func neem(_ aantal: Int) throws -> ArraySlice<UInt8> {
        guard aantal >= 0, plek + aantal <= bytes.count else { throw StandFout() }
        defer { plek += aantal }
        return bytes[plek..<(plek + aantal)]
    }

    mutating func geheel() throws -> Int32 {
        let deel = try neem(4)
        return deel.reversed().reduce(Int32(0)) { $0 << 8 | Int32($1) }
    }

    /// A count of elements that follow: damaged bytes (negative, or more than could follow) are a
    /// `StandFout`, never a trap.
    mutating func aantal() throws -> Int {
        let aantal = Int(try geheel())
        guard aantal >= 0, aantal <= bytes.count - plek else { throw StandFout() }
        return aantal
    }
}

extension String: StandWaarde {
    func schrijf(naar s: inout StandSchrijver) {
        s.schrijf(geheel: Int32(utf8.count))
        s.bytes += utf8
    }
    init(uit l: inout StandLezer) throws {
        let lengte = Int(try l.geheel())
        self = String(decoding: try l.neem(lengte), as: UTF8.self)
    }
}

extension Datum: StandWaarde {
    func schrijf(naar s: inout StandSchrijver) { s.schrijf(geheel: Int32(dagnummer)) }
    init(uit l: inout StandLezer) throws { self.init(dagnummer: Int(try l.geheel())) }
}

extension Schooljaar: StandWaarde {
    func schrijf(naar s: inout StandSchrijver) { s.schrijf(geheel: Int32(beginjaar)) }
    init(uit l: inout StandLezer) throws { self.init(beginjaar: Int(try l.geheel())) }
}

extension Optional: StandWaarde where Wrapped: StandWaarde {
    func schrijf(naar s: inout StandSchrijver) {
        s.bytes.append(self == nil ? 0 : 1)
        self?.schrijf(naar: &s)
    }
    init(uit l: inout StandLezer) throws {
        self = try l.neem(1).first == 0 ? nil : try Wrapped(uit: &l)
    }
}

/// Sorted, so that equal sets give equal bytes.
extension Set: StandWaarde where Element: StandWaarde & Comparable {
    func schrijf(naar s: inout StandSchrijver) {
        s.schrijf(geheel: Int32(count))
        for element in sorted() { element.schrijf(naar: &s) }
    }
    init(uit l: inout StandLezer) throws {
        self.init()
        for _ in 0..<(try l.aantal()) { insert(try Element(uit: &l)) }
    }
}

extension Dictionary: StandWaarde where Key: StandWaarde & Comparable, Value: StandWaarde {
    func schrijf(naar s: inout StandSchrijver) {
        s.schrijf(geheel: Int32(count))
        for (key, value) in sorted(by: { $0.key < $1.key }) {
            key.schrijf(naar: &s)
            value.schrijf(naar: &s)
        }
    }
    init(uit l: inout StandLezer) throws {
        self.init()
        for _ in 0..<(try l.aantal()) { self[try Key(uit: &l)] = try Value(uit: &l) }
    }
}

/// Enumerations by their wire names.
protocol StandKeuze: StandWaarde, RawRepresentable where RawValue == String {}

extension StandKeuze {
    func schrijf(naar s: inout StandSchrijver) { rawValue.schrijf(naar: &s) }
    init(uit l: inout StandLezer) throws {
        guard let waarde = Self(rawValue: try String(uit: &l)) else { throw StandFout() }
        self = waarde
    }
}

extension ToestemmingsScope: StandKeuze {}
extension NoShowSoort: StandKeuze {}
extension Signaalsoort: StandKeuze {}
extension Afsluitreden: StandKeuze {}
extension Niveau: StandKeuze {}
extension Leerweg: StandKeuze {}
extension Uitstroomprofiel: StandKeuze {}
extension NametingUitkomst: StandKeuze {}

extension TrajectID: StandWaarde {
    func schrijf(naar s: inout StandSchrijver) { stroom.schrijf(naar: &s) }
    init(uit l: inout StandLezer) throws {
        guard let id = TrajectID(stroom: try String(uit: &l)) else { throw StandFout() }
        self = id
    }
}

extension Opleiding: StandWaarde {
    func schrijf(naar s: inout StandSchrijver) {
        s.schrijf(instelling); s.schrijf(opleiding); s.schrijf(niveau); s.schrijf(leerweg)
    }
    init(uit l: inout StandLezer) throws {
        self.init(instelling: try l.lees(), opleiding: try l.lees(), niveau: try l.lees(), leerweg: try l.lees())
    }
}

extension NoShowGesignaleerd: StandWaarde {
    func schrijf(naar s: inout StandSchrijver) { s.schrijf(peildatum); s.schrijf(schooljaar); s.schrijf(soort) }
    init(uit l: inout StandLezer) throws { self.init(peildatum: try l.lees(), schooljaar: try l.lees(), soort: try l.lees()) }
}

extension NoShowStand: StandWaarde {
    func schrijf(naar s: inout StandSchrijver) { s.schrijf(melding); s.schrijf(op) }
    init(uit l: inout StandLezer) throws { self.init(melding: try l.lees(), op: try l.lees()) }
}

extension NoShowSleutel: StandWaarde {
    func schrijf(naar s: inout StandSchrijver) { s.schrijf(schooljaar); s.schrijf(soort) }
    init(uit l: inout StandLezer) throws { self.init(schooljaar: try l.lees(), soort: try l.lees()) }
}

extension DiplomaStand: StandWaarde {
    func schrijf(naar s: inout StandSchrijver) { s.schrijf(niveau); s.schrijf(op) }
    init(uit l: inout StandLezer) throws { self.init(niveau: try l.lees(), op: try l.lees()) }
}

extension NametingStand: StandWaarde {
    func schrijf(naar s: inout StandSchrijver) { s.schrijf(uitkomst); s.schrijf(opleiding); s.schrijf(op) }
    init(uit l: inout StandLezer) throws { self.init(uitkomst: try l.lees(), opleiding: try l.lees(), op: try l.lees()) }
}
