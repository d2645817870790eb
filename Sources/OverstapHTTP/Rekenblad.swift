import CXlsxWriter
import Foundation

/// Excel workbooks (.xlsx, Office Open XML) for the lists a person opens in a spreadsheet, written
/// by libxlsxwriter (Debian `libxlsxwriter-dev`): what Dutch Excel makes of a CSV (ids that lose
/// their leading zeros, `3-4` read as a date) cannot happen to a typed cell.
enum Rekenblad {
    /// The media type a client asks for with `Accept`.
    static let mediatype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    /// libxlsxwriter could not write the workbook: its error code and text (no cell contents).
    struct Fout: Error, CustomStringConvertible {
        let code: lxw_error
        var description: String { "libxlsxwriter error \(code.rawValue): " + String(cString: lxw_strerror(code)) }
    }

    /// One sheet named `blad` (at most 31 characters, none of `[]:*?/\`; Excel's rule) with the
    /// header row `kop` in bold, frozen and filtered, then `rijen` (each as long as `kop`). Every
    /// cell is a text cell in a column formatted as text (`@`): ids keep their leading zeros, no
    /// cell is ever a number, date or formula; except, in `getalkolommen` (indexes), a cell that is
    /// a whole number of up to 9 digits, which is a number a spreadsheet adds up (the monitor's
    /// counts; `<5` stays text). Returns the file's bytes.
    ///
    /// libxlsxwriter 1.1.4 (Debian bookworm) writes only to files: the workbook and the library's
    /// own working files go to the temporary directory (`TMPDIR`, else `/tmp`; a memory-backed
    /// volume in ops/k8s), the workbook readable by this process's user alone (`0600`) and removed
    /// before this returns. Throws `Fout` when the library fails, or a Foundation error when the
    /// file cannot be made or read.
    static func xlsx(blad: String, kop: [String], rijen: [[String]], getalkolommen: Set<Int> = []) throws -> [UInt8] {
        let map = FileManager.default.temporaryDirectory.path
        let pad = map + "/overstap-\(UUID().uuidString).xlsx"
        let descriptor = open(pad, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: pad]) }
        close(descriptor)
        defer { unlink(pad) }

        let tmpdir = strdup(map)  // alive until the workbook is closed, whether or not the library copies it
        defer { free(tmpdir) }
        var opties = lxw_workbook_options(constant_memory: 0, tmpdir: tmpdir, use_zip64: 0)
        guard let werkmap = workbook_new_opt(pad, &opties) else { throw Fout(code: LXW_ERROR_MEMORY_MALLOC_FAILED) }
        var fout = LXW_NO_ERROR
        if let werkblad = workbook_add_worksheet(werkmap, blad), let tekst = workbook_add_format(werkmap),
           let vet = workbook_add_format(werkmap) {
            format_set_num_format(tekst, "@")
            format_set_num_format(vet, "@")
            format_set_bold(vet)
            for (kolom, naam) in kop.enumerated() {
                let breedte = ([naam] + rijen.map { kolom < $0.count ? $0[kolom] : "" }).map(\.count).max() ?? 8
                worksheet_set_column(werkblad, lxw_col_t(kolom), lxw_col_t(kolom), Double(min(max(breedte, 8), 60)) + 2, tekst)
            }
            for (rij, cellen) in ([kop] + rijen).enumerated() {
                for (kolom, cel) in cellen.enumerated() where fout == LXW_NO_ERROR {
                    if rij > 0, getalkolommen.contains(kolom), (1...9).contains(cel.utf8.count),
                        cel.utf8.allSatisfy({ (48...57).contains($0) }), let getal = Int(cel)
                    {
                        fout = worksheet_write_number(werkblad, lxw_row_t(rij), lxw_col_t(kolom), Double(getal), nil)
                    } else {
                        fout = worksheet_write_string(werkblad, lxw_row_t(rij), lxw_col_t(kolom), cel, rij == 0 ? vet : tekst)
                    }
                }
            }
            worksheet_freeze_panes(werkblad, 1, 0)
            if fout == LXW_NO_ERROR, !kop.isEmpty {
                fout = worksheet_autofilter(werkblad, 0, 0, lxw_row_t(rijen.count), lxw_col_t(kop.count - 1))
            }
        } else {
            fout = LXW_ERROR_MEMORY_MALLOC_FAILED
        }
        let gesloten = workbook_close(werkmap)  // writes the file and frees the workbook, also after an error
        guard fout == LXW_NO_ERROR else { throw Fout(code: fout) }
        guard gesloten == LXW_NO_ERROR else { throw Fout(code: gesloten) }
        return Array(try Data(contentsOf: URL(fileURLWithPath: pad)))
    }
}
