//! A unified diff of two texts, line by line, as `diff -u` prints it: enough to show a
//! learner what `reset` is about to put aside, without depending on a `diff` program.

/// One line of the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Edit<'a> {
    Same(&'a str),
    Removed(&'a str),
    Added(&'a str),
}

/// The lines of `old` and `new` aligned along a longest common subsequence.
fn edits<'a>(old: &[&'a str], new: &[&'a str]) -> Vec<Edit<'a>> {
    // Common head and tail first: a learner's change is usually a small part of a file.
    let head = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let tail = old[head..]
        .iter()
        .rev()
        .zip(new[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (a, b) = (&old[head..old.len() - tail], &new[head..new.len() - tail]);
    // lcs[i][j]: the length of the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out: Vec<Edit> = old[..head].iter().map(|l| Edit::Same(l)).collect();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push(Edit::Same(a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            // Removals before additions, as diff prints them.
            out.push(Edit::Removed(a[i]));
            i += 1;
        } else {
            out.push(Edit::Added(b[j]));
            j += 1;
        }
    }
    out.extend(old[old.len() - tail..].iter().map(|l| Edit::Same(l)));
    out
}

/// `old` → `new` as a unified diff with three lines of context, headed by the two labels.
/// Empty when the texts are equal.
pub fn unified(old: &str, new: &str, old_label: &str, new_label: &str) -> String {
    if old == new {
        return String::new();
    }
    let old_lines: Vec<&str> = old.lines().collect();
    let new_lines: Vec<&str> = new.lines().collect();
    let edits = edits(&old_lines, &new_lines);
    const CONTEXT: usize = 3;

    let mut out = format!("--- {old_label}\n+++ {new_label}\n");
    let changed: Vec<usize> = edits
        .iter()
        .enumerate()
        .filter(|(_, e)| !matches!(e, Edit::Same(_)))
        .map(|(k, _)| k)
        .collect();
    if changed.is_empty() {
        // Only line endings differ (a final newline, `\r\n`).
        out.push_str("@@ the texts differ only in their line endings @@\n");
        return out;
    }
    // Group the changes into hunks whose context overlaps.
    let mut hunks: Vec<(usize, usize)> = Vec::new();
    for &k in &changed {
        let start = k.saturating_sub(CONTEXT);
        let end = (k + CONTEXT + 1).min(edits.len());
        match hunks.last_mut() {
            Some((_, last_end)) if start <= *last_end => *last_end = end,
            _ => hunks.push((start, end)),
        }
    }
    for (start, end) in hunks {
        // Line numbers where the hunk starts in each text.
        let before = &edits[..start];
        let old_start = before
            .iter()
            .filter(|e| !matches!(e, Edit::Added(_)))
            .count();
        let new_start = before
            .iter()
            .filter(|e| !matches!(e, Edit::Removed(_)))
            .count();
        let hunk = &edits[start..end];
        let old_len = hunk.iter().filter(|e| !matches!(e, Edit::Added(_))).count();
        let new_len = hunk
            .iter()
            .filter(|e| !matches!(e, Edit::Removed(_)))
            .count();
        out.push_str(&format!(
            "@@ -{},{old_len} +{},{new_len} @@\n",
            old_start + usize::from(old_len > 0),
            new_start + usize::from(new_len > 0)
        ));
        for edit in hunk {
            let (sign, line) = match edit {
                Edit::Same(l) => (' ', l),
                Edit::Removed(l) => ('-', l),
                Edit::Added(l) => ('+', l),
            };
            out.push(sign);
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn shows_a_changed_line_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\n";
        assert_eq!(
            unified(old, new, "yours", "reference"),
            "--- yours\n+++ reference\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"
        );
    }

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified("x\n", "x\n", "a", "b"), "");
    }

    #[test]
    fn separate_changes_make_separate_hunks() {
        let old: String = (0..20).map(|n| format!("{n}\n")).collect();
        let new: String = (0..20)
            .filter(|&n| n != 17)
            .map(|n| {
                if n == 2 {
                    "two\n".to_owned()
                } else {
                    format!("{n}\n")
                }
            })
            .collect();
        let diff = unified(&old, &new, "a", "b");
        assert_eq!(diff.matches("@@ -").count(), 2, "{diff}");
        assert!(diff.contains("-2\n+two\n"), "{diff}");
        assert!(
            diff.contains("@@ -15,6 +15,5 @@\n 14\n 15\n 16\n-17\n 18\n"),
            "{diff}"
        );
    }

    #[test]
    fn a_missing_final_newline_is_still_a_difference() {
        assert!(unified("x\n", "x", "a", "b").contains("line endings"));
    }
}
