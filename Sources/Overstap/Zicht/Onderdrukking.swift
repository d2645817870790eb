/// The monitors of one cohort for the nation and for every region, counted together so that they
/// can be hidden together (decision 0019): a count hidden in one table is hidden in every table it
/// could be worked out from, the national roll-up and each region's export alike.
public struct Monitoren: Equatable, Sendable {
    /// The national roll-up: every region's cases, split by `regio` too.
    public private(set) var landelijk: Monitor
    /// Each region's monitor, by region (only regions with a case in the cohort).
    public private(set) var regios: [String: Monitor]

    /// Counts the cohort of `schooljaar` among `trajecten` (every region's, each folded from its
    /// events up to `peildatum`), nationally and per region, split by `uitsplitsingen` (`regio`
    /// is added to the national roll-up, and never split within a region).
    public init(_ trajecten: [Traject], schooljaar: Schooljaar, op peildatum: Datum, uitsplitsingen: [Uitsplitsing]) {
        let splits = uitsplitsingen.filter { $0 != .regio }
        landelijk = Monitor(trajecten, schooljaar: schooljaar, op: peildatum, uitsplitsingen: [.regio] + splits)
        regios = Dictionary(grouping: trajecten, by: \.regio).mapValues {
            Monitor($0, schooljaar: schooljaar, op: peildatum, uitsplitsingen: splits)
        }.filter { $0.value.totaal[.aangemeld] != .aantal(0) }
    }

    /// `regio`'s monitor; when it has no case in the cohort, one without groups whose counts are
    /// all 0 (`klein` once `deelbaar()`).
    public func regio(_ regio: String) -> Monitor {
        if let monitor = regios[regio] { return monitor }
        var leeg = Monitor([], schooljaar: landelijk.schooljaar, op: landelijk.peildatum,
                           uitsplitsingen: landelijk.uitsplitsingen.map(\.0).filter { $0 != .regio })
        if landelijk.isDeelbaar {
            leeg.isDeelbaar = true
            for maat in Maat.allCases { leeg.totaal[maat] = .klein }
        }
        return leeg
    }

    /// Every table safe to share outside its region (decision 0019, docs/api.md "Monitor").
    ///
    /// Primary: a count below `Cel.drempel` (0 to 4) is `klein`. Secondary: each figure's counts
    /// are held together by sums — a region's groups of a split add up to its total, the regions'
    /// counts of a group add up to the national one, the national groups and the regions add up
    /// to the national total. Where such a sum's total is shown, its hidden counts must leave every
    /// `klein` one free to be anything from 0 to 4: a reader knows a `klein` count lies in 0…4 and
    /// a `verborgen` one is at least 5, and the shown total fixes the hidden counts' sum. While that
    /// does not hold, one more count of the sum is hidden (`verborgen`): the smallest that makes
    /// it hold, else the largest there is; when none is left, the total itself. Where a total is
    /// hidden and every count of its sum shown, the smallest count is hidden. This repeats over all
    /// sums until nothing changes. It does not defend against reasoning across figures (such as
    /// `gestart` ≤ `aangemeld` within a group); docs/api.md says so.
    public func deelbaar() -> Monitoren {
        var uit = self
        for maat in Maat.allCases {
            var tabel = Vakken(self, maat)
            tabel.verberg()
            uit.landelijk = tabel.toegepast(op: uit.landelijk, regio: nil, maat)
            for (regio, monitor) in uit.regios { uit.regios[regio] = tabel.toegepast(op: monitor, regio: regio, maat) }
        }
        uit.landelijk.isDeelbaar = true
        for regio in uit.regios.keys { uit.regios[regio]?.isDeelbaar = true }
        return uit
    }
}

/// One figure's counts of every table of a cohort, and the sums that hold them together.
private struct Vakken {
    /// A count: a table's total (`uitsplitsing` nil) or a group's; `regio` nil: national. The
    /// national split by region has no counts of its own: its groups are the regions' totals.
    struct Vak: Hashable {
        var uitsplitsing: Uitsplitsing?
        var groep: String?
        var regio: String?
    }

    /// A total and the counts that add up to it.
    struct Som {
        var totaal: Vak
        var leden: [Vak]
    }

    var waarden: [Vak: Int] = [:]
    var sommen: [Som] = []
    var verborgen: [Vak: Cel] = [:]

    init(_ monitoren: Monitoren, _ maat: Maat) {
        func aantal(_ cel: Cel) -> Int { if case .aantal(let n) = cel { n } else { 0 } }
        let land = Vak(uitsplitsing: nil, groep: nil, regio: nil)
        waarden[land] = aantal(monitoren.landelijk.totaal[maat])
        sommen.append(Som(totaal: land, leden: monitoren.regios.keys.sorted().map { Vak(uitsplitsing: nil, groep: nil, regio: $0) }))
        for (uitsplitsing, groepen) in monitoren.landelijk.uitsplitsingen where uitsplitsing != .regio {
            let leden = groepen.map { Vak(uitsplitsing: uitsplitsing, groep: $0.naam, regio: nil) }
            for (vak, groep) in zip(leden, groepen) { waarden[vak] = aantal(groep.cijfers[maat]) }
            sommen.append(Som(totaal: land, leden: leden))
        }
        var perGroep: [Vak: [Vak]] = [:]
        for (regio, monitor) in monitoren.regios.sorted(by: { $0.key < $1.key }) {
            let totaal = Vak(uitsplitsing: nil, groep: nil, regio: regio)
            waarden[totaal] = aantal(monitor.totaal[maat])
            for (uitsplitsing, groepen) in monitor.uitsplitsingen {
                let leden = groepen.map { Vak(uitsplitsing: uitsplitsing, groep: $0.naam, regio: regio) }
                for (vak, groep) in zip(leden, groepen) {
                    waarden[vak] = aantal(groep.cijfers[maat])
                    perGroep[Vak(uitsplitsing: uitsplitsing, groep: groep.naam, regio: nil), default: []].append(vak)
                }
                sommen.append(Som(totaal: totaal, leden: leden))
            }
        }
        for (nationaal, leden) in perGroep.sorted(by: { ($0.key.uitsplitsing?.rawValue ?? "", $0.key.groep ?? "") < ($1.key.uitsplitsing?.rawValue ?? "", $1.key.groep ?? "") }) {
            sommen.append(Som(totaal: nationaal, leden: leden))
        }
        for (vak, waarde) in waarden where waarde < Cel.drempel { verborgen[vak] = .klein }
    }

    /// Hides counts until every sum is safe (see `Monitoren.deelbaar()`).
    mutating func verberg() {
        var veranderd = true
        while veranderd {
            veranderd = false
            for som in sommen {
                let getoond = som.leden.filter { verborgen[$0] == nil }
                if verborgen[som.totaal] != nil {
                    guard getoond.count == som.leden.count, let kleinste = getoond.min(by: kleiner) else { continue }
                    verborgen[kleinste] = .verborgen
                    veranderd = true
                } else if !isVeilig(som.leden.filter { verborgen[$0] != nil }) {
                    let erbij = getoond.sorted(by: kleiner)
                    let keuze = erbij.first { isVeilig(som.leden.filter { verborgen[$0] != nil } + [$0]) } ?? erbij.last ?? som.totaal
                    verborgen[keuze] = .verborgen
                    veranderd = true
                }
            }
        }
    }

    /// Whether the hidden counts `vakken` of a sum with a shown total leave every `klein` one free
    /// to be anything from 0 to 4: their sum minus the least the `verborgen` ones can be is at
    /// least 4, and, without a `verborgen` one, at most what the `klein` ones could hold beside any one of them.
    func isVeilig(_ vakken: [Vak]) -> Bool {
        let klein = vakken.filter { verborgen[$0] == .klein }
        guard !klein.isEmpty else { return vakken.count != 1 }
        let som = vakken.reduce(0) { $0 + (waarden[$1] ?? 0) }
        let groot = vakken.count - klein.count
        let hoogste = Cel.drempel - 1
        return som - Cel.drempel * groot >= hoogste && (groot > 0 || som <= hoogste * (klein.count - 1))
    }

    private func kleiner(_ a: Vak, _ b: Vak) -> Bool { (waarden[a] ?? 0) < (waarden[b] ?? 0) }

    /// `monitor` (of `regio`, nil: national) with this figure's hidden counts.
    func toegepast(op monitor: Monitor, regio: String?, _ maat: Maat) -> Monitor {
        var uit = monitor
        let totaal = Vak(uitsplitsing: nil, groep: nil, regio: regio)
        if let cel = verborgen[totaal] { uit.totaal[maat] = cel }
        for index in uit.uitsplitsingen.indices {
            let uitsplitsing = uit.uitsplitsingen[index].0
            for groep in uit.uitsplitsingen[index].1.indices {
                let naam = uit.uitsplitsingen[index].1[groep].naam
                let vak = uitsplitsing == .regio ? Vak(uitsplitsing: nil, groep: nil, regio: naam)
                    : Vak(uitsplitsing: uitsplitsing, groep: naam, regio: regio)
                if let cel = verborgen[vak] { uit.uitsplitsingen[index].1[groep].cijfers[maat] = cel }
            }
        }
        return uit
    }
}
