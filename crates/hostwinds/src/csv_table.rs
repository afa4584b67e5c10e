//! The one CSV writer of every export (IP table, bulk rDNS record, inventory tables): the
//! `csv` crate's RFC 4180 quoting with CRLF line ends, and any cell that a spreadsheet would
//! run as a formula made text.

/// A CSV document: a header row, then rows of the same length.
pub struct CsvTable {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvTable {
    pub fn new(header: &[&str]) -> CsvTable {
        let writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        let mut t = CsvTable { writer };
        t.row(header.iter().copied());
        t
    }

    /// One row. Its cells are quoted where needed, and neutralised (`cell`).
    pub fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) {
        // Writing to memory cannot fail but for rows of unequal length, a bug of the caller's
        // that debug builds and the tests catch.
        let cells: Vec<_> = cells.into_iter().map(neutralise).collect();
        let written = self.writer.write_record(cells.iter().map(|c| c.as_bytes()));
        debug_assert!(written.is_ok(), "{written:?}");
    }

    pub fn finish(self) -> String {
        let bytes = self.writer.into_inner().unwrap_or_else(|e| e.into_inner().get_ref().clone());
        // Only &str went in, so this is UTF-8.
        String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

/// A leading `= + - @`, tab or CR would make a spreadsheet evaluate the cell (CSV injection,
/// OWASP): prefixed with `'`, it is shown as the text it is.
fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(cell: &str) -> String {
        let mut t = CsvTable::new(&["a"]);
        t.row([cell]);
        t.finish().trim_start_matches("a\r\n").trim_end_matches("\r\n").to_string()
    }

    #[test]
    fn rows_end_in_crlf_and_fields_are_quoted_only_when_needed() {
        let mut t = CsvTable::new(&["ip", "note"]);
        t.row(["192.0.2.1", "plain"]);
        t.row(["192.0.2.2", "a, \"b\"\nc"]);
        t.row(["", ""]);
        assert_eq!(t.finish(), "ip,note\r\n192.0.2.1,plain\r\n192.0.2.2,\"a, \"\"b\"\"\nc\"\r\n,\r\n");
    }

    #[test]
    fn formula_cells_become_text() {
        assert_eq!(one("=cmd()"), "'=cmd()");
        assert_eq!(one("+1"), "'+1");
        assert_eq!(one("-2"), "'-2");
        assert_eq!(one("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(one("\tx"), "'\tx");
        assert_eq!(one("=a,b"), "\"'=a,b\"");
        assert_eq!(one("a=b"), "a=b");
    }

    #[test]
    fn any_text_reads_back_as_written_after_the_guard() {
        for cell in ["", "x", "\"", "a\r\nb", "é, ü", "'quoted'", "=1+1", " lead"] {
            let mut t = CsvTable::new(&["c"]);
            t.row([cell]);
            let doc = t.finish();
            let mut r = csv::Reader::from_reader(doc.as_bytes());
            let rec = r.records().next().unwrap().unwrap();
            assert_eq!(&rec[0], neutralise(cell).as_ref(), "{doc:?}");
        }
    }
}
