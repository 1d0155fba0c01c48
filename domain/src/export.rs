//! Lists out of Veld (issue 14): a table of text as a CSV file that spreadsheets open as it
//! is — UTF-8 with a byte-order mark (so Excel reads it as UTF-8), CRLF line ends, RFC 4180
//! quoting by the `csv` crate, and the separator of the user's language: `;` where the decimal
//! separator is a comma (Dutch and Romanian Excel expect it), `,` in English.
//!
//! A cell a spreadsheet would run as a formula (`=…`, `@…`, `+…`/`-…` that is not a number or
//! phone number) is written with a leading apostrophe, so exported user text cannot become a
//! formula (OWASP "CSV injection").

use crate::Language;

/// The byte-order mark that tells spreadsheets the file is UTF-8.
pub const BOM: &str = "\u{feff}";

/// The separator spreadsheets expect in the user's language.
pub fn separator(language: Language) -> u8 {
    match language {
        Language::En => b',',
        _ => b';',
    }
}

/// Whether a spreadsheet would take the text for a formula.
fn formula_like(cell: &str) -> bool {
    match cell.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => {
            // "+31 6 1234 5678" and "-5" are data; "+cmd|…" and "-2+3" are not.
            let rest = &cell[1..];
            rest.is_empty() || !rest.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '(' | ')' | '.' | ','))
        }
        _ => false,
    }
}

/// A cell as written: formulas defused.
fn cell(text: &str) -> String {
    if formula_like(text) { format!("'{text}") } else { text.to_owned() }
}

/// The table as a CSV file's text: `header`, then `rows` (each as long as the header).
pub fn csv<R, C>(header: &[&str], rows: R, separator: u8) -> String
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = String>,
{
    let mut writer = csv::WriterBuilder::new()
        .delimiter(separator)
        .terminator(csv::Terminator::CRLF)
        .flexible(false)
        .from_writer(Vec::from(BOM.as_bytes()));
    // Writing to memory fails only on rows of another length, which the callers never make;
    // such a row is left out rather than the whole file lost.
    let _ = writer.write_record(header.iter().map(|h| cell(h)));
    for row in rows {
        let cells: Vec<String> = row.into_iter().collect();
        let _ = writer.write_record(cells.iter().map(|c| cell(c)));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_becomes_csv_that_excel_opens_in_each_language() {
        let rows = vec![
            vec![
                "L10001".to_owned(),
                "Vans; 12 of them".to_owned(),
                "Bakkerij \"De Zon\"".to_owned(),
                "67000".to_owned(),
            ],
            vec!["L10002".to_owned(), "Line\nbreak".to_owned(), String::new(), String::new()],
        ];
        let nl = csv(&["Nummer", "Titel", "Bedrijf", "Waarde"], rows.clone(), separator(Language::Nl));
        assert_eq!(
            nl,
            "\u{feff}Nummer;Titel;Bedrijf;Waarde\r\nL10001;\"Vans; 12 of them\";\"Bakkerij \"\"De Zon\"\"\";67000\r\nL10002;\"Line\nbreak\";;\r\n"
        );
        let en = csv(&["Number", "Title", "Company", "Value"], rows, separator(Language::En));
        assert!(en.starts_with("\u{feff}Number,Title,Company,Value\r\nL10001,Vans; 12 of them,"), "{en}");
        assert_eq!(separator(Language::Ro), b';');
    }

    #[test]
    fn formulas_are_defused_and_numbers_and_phones_kept() {
        let rows = vec![vec![
            "=HYPERLINK(\"http://evil\")".to_owned(),
            "+31 6 1234 5678".to_owned(),
            "-5".to_owned(),
            "+cmd|' /C calc'!A0".to_owned(),
            "@SUM(A1)".to_owned(),
            "-2+3".to_owned(),
            "a=b".to_owned(),
        ]];
        let out = csv(&["a", "b", "c", "d", "e", "f", "g"], rows, b',');
        let line = out.lines().nth(1).unwrap();
        assert_eq!(
            line,
            "\"'=HYPERLINK(\"\"http://evil\"\")\",+31 6 1234 5678,-5,'+cmd|' /C calc'!A0,'@SUM(A1),'-2+3,a=b"
        );
    }
}
