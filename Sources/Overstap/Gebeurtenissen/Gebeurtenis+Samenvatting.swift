extension Gebeurtenis {
    /// One Dutch line for the timeline, built from non-personal fields only.
    public var samenvatting: String {
        switch self {
        case .aanmelding(let a):
            "Aangemeld door \(a.vsoSchool) voor \(a.beoogdeOpleiding.opleiding) bij \(a.beoogdeOpleiding.instelling)"
        case .toestemmingGegeven(let t):
            "Toestemming gegeven door \(t.door.rawValue) voor \(t.scope.map(\.rawValue).joined(separator: ", "))"
        case .toestemmingIngetrokken(let t):
            "Toestemming ingetrokken door \(t.door.rawValue) voor \(t.scope.map(\.rawValue).joined(separator: ", "))"
        case .coachToegewezen(let c): "Coach \(c.coach) toegewezen"
        case .welkomstgesprek: "Welkomstgesprek gevoerd"
        case .mboAanmelding(let o): "Aangemeld bij \(o.instelling) voor \(o.opleiding)"
        case .intakegesprek(let i): i.warmeOverdracht ? "Intakegesprek met warme overdracht" : "Intakegesprek zonder warme overdracht"
        case .overstaptafelBesproken(let o): "Besproken aan overstaptafel \(o.tafel): \(o.besluit.rawValue.replacingOccurrences(of: "_", with: " "))"
        case .gestart(let o): "Gestart bij \(o.instelling), \(o.opleiding)"
        case .noShowGesignaleerd(let n): "No-show gesignaleerd (\(n.soort.rawValue.replacingOccurrences(of: "_", with: " ")), \(n.schooljaar))"
        case .contactmoment(let c): "Contactmoment (\(c.vorm.rawValue))"
        case .stageGestart(let s): "Stage gestart bij \(s.stagebedrijf)"
        case .stageBeeindigd(let s): "Stage bij \(s.stagebedrijf) beëindigd"
        case .stagebezoek(let s): "Stagebezoek bij \(s.stagebedrijf)" + (s.signaal ? ", met signaal" : "")
        case .signaal(let s): "Signaal: \(s.soort.rawValue)"
        case .signaalOpgelost(let s): "Signaal opgelost: \(s.soort.rawValue)"
        case .evaluatiegesprek(let e): "Evaluatiegesprek: \(e.uitkomst.rawValue.replacingOccurrences(of: "_", with: " "))"
        case .afbouwGestart: "Afbouw gestart"
        case .overdrachtZorgteam: "Overgedragen aan het zorgteam"
        case .afgesloten(let a): "Afgesloten: \(a.reden.rawValue)"
        case .opleidingGewijzigd(let o): "Overgestapt naar \(o.opleiding) bij \(o.instelling)"
        case .diplomaBehaald(let d): "Diploma behaald (\(d.niveau == .entree ? "entree" : "niveau \(d.niveau.rawValue)"))"
        case .nameting(let n): "Nameting: \(n.uitkomst.omschrijving)" + (n.opleiding.map { " (\($0.opleiding) bij \($0.instelling))" } ?? "")
        case .leerlingVergeten(let v): "Persoonsgegevens verwijderd (\(v.reden == .verzoek ? "op verzoek" : "bewaartermijn verstreken"))"
        }
    }
}

extension NametingUitkomst {
    /// The outcome in Dutch words, for the timeline.
    public var omschrijving: String {
        switch self {
        case .mbo: "nog op het mbo"
        case .diploma: "met diploma van het mbo"
        case .werk: "aan het werk"
        case .uitgevallen: "uitgevallen zonder diploma"
        case .onbekend: "onbekend"
        }
    }
}
