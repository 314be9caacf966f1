//! Markdown tables: what the benchmark prints and what the book includes.

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A markdown table with columns padded to line up in a terminal too.
pub fn markdown(headers: &[(&str, Align)], rows: &[Vec<String>]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|cell| cell.replace('|', "\\|")).collect())
        .collect();
    let widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(i, (title, _))| {
            cells
                .iter()
                .filter_map(|row| row.get(i))
                .map(|cell| cell.chars().count())
                .chain([title.chars().count(), 3])
                .max()
                .unwrap_or(3)
        })
        .collect();
    let line = |values: Vec<String>| {
        let padded: Vec<String> = values
            .iter()
            .zip(headers)
            .zip(&widths)
            .map(|((value, (_, align)), &width)| match align {
                Align::Left => format!("{value:<width$}"),
                Align::Right => format!("{value:>width$}"),
            })
            .collect();
        format!("| {} |\n", padded.join(" | "))
    };
    let mut out = line(headers.iter().map(|(t, _)| t.to_string()).collect());
    let rule: Vec<String> = headers
        .iter()
        .zip(&widths)
        .map(|((_, align), &width)| match align {
            Align::Left => "-".repeat(width),
            Align::Right => format!("{}:", "-".repeat(width - 1)),
        })
        .collect();
    out.push_str(&format!("| {} |\n", rule.join(" | ")));
    for row in cells {
        let mut row = row;
        row.resize(headers.len(), String::new());
        out.push_str(&line(row));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_and_numbers_align_right() {
        let table = markdown(
            &[("Stage", Align::Left), ("Bytes/s", Align::Right)],
            &[
                vec!["01".into(), "480 B/s".into()],
                vec!["07 payload".into(), "1.2 MB/s".into()],
            ],
        );
        let expected = "\
| Stage      |  Bytes/s |
| ---------- | -------: |
| 01         |  480 B/s |
| 07 payload | 1.2 MB/s |
";
        assert_eq!(table, expected);
    }

    #[test]
    fn a_pipe_in_a_cell_does_not_split_it() {
        let table = markdown(&[("Why", Align::Left)], &[vec!["a | b".into()]]);
        assert!(table.contains("a \\| b"), "{table}");
    }

    #[test]
    fn short_rows_are_padded_with_empty_cells() {
        let table = markdown(
            &[("A", Align::Left), ("B", Align::Left)],
            &[vec!["x".into()]],
        );
        assert_eq!(table.lines().count(), 3);
        assert!(
            table.lines().last().unwrap().ends_with("|     |"),
            "{table}"
        );
    }
}
