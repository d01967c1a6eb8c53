//! No input makes the validator panic, and every rejection has a message and a plausible line.

use oqcloud_nrml::validate;

use super::FILE;

const ALL_SOURCES: &str = include_str!("../data/all_sources.xml");

/// A small deterministic generator (xorshift64*), enough to vary inputs reproducibly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Validates `text` and checks the answer is coherent.
fn check(text: &str) {
    let validation = validate(text, FILE);
    assert_eq!(validation.valid, validation.error_msg.is_none(), "{text:?}");
    if let Some(line) = validation.error_line {
        let lines = text.matches('\n').count() + 1;
        assert!(
            (1..=lines).contains(&(line as usize)),
            "line {line} of {lines} for {text:?}"
        );
    }
}

#[test]
fn every_truncation() {
    for (end, _) in ALL_SOURCES.char_indices() {
        check(&ALL_SOURCES[..end]);
    }
}

#[test]
fn random_edits() {
    const PIECES: &[&str] = &[
        "<",
        ">",
        "/",
        "&",
        "&#0;",
        "&amp;",
        "\"",
        "'",
        "=",
        " ",
        "\n",
        "\r",
        "é",
        "\u{1}",
        "]]>",
        "<![CDATA[",
        "<!--",
        "-->",
        "<?",
        "?>",
        "<!DOCTYPE x>",
        "-1",
        "0",
        "1e999",
        "nan",
        "999",
        "gml:",
        "xmlns=\"u\"",
        "\u{feff}",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let chars: Vec<char> = ALL_SOURCES.chars().collect();
    for _ in 0..3000 {
        let mut text = chars.clone();
        for _ in 0..=rng.below(4) {
            let at = rng.below(text.len());
            match rng.below(3) {
                0 => {
                    let piece = PIECES[rng.below(PIECES.len())];
                    text.splice(at..at, piece.chars());
                }
                1 => {
                    let end = (at + rng.below(40)).min(text.len());
                    text.drain(at..end);
                }
                _ => {
                    let end = (at + rng.below(200)).min(text.len());
                    let copy: Vec<char> = text[at..end].to_vec();
                    let to = rng.below(text.len());
                    text.splice(to..to, copy);
                }
            }
        }
        check(&text.into_iter().collect::<String>());
    }
}

#[test]
fn garbage() {
    let mut rng = Rng(42);
    for _ in 0..2000 {
        let len = rng.below(64);
        let text: String = (0..len)
            .map(|_| char::from_u32(rng.below(0x300) as u32).unwrap_or('?'))
            .collect();
        check(&text);
    }
    for text in [
        "",
        "\u{feff}",
        "é<nrml/>",
        "<nrml>é&</nrml>",
        "<nrml>\n<a>é&#0;</a></nrml>",
        "\r\n\r\n<nrml/>junk",
        "<nrml/>\n\nésomething",
        &"<a>".repeat(20_000),
        &format!(
            "<nrml>{}{}</nrml>",
            "<a>".repeat(5_000),
            "</a>".repeat(5_000)
        ),
        "<nrml xmlns=\"http://openquake.org/xmlns/nrml/0.5\"><sourceModel><sourceGroup \
         tectonicRegion=\"x\"><pointSource id=\"1\" name=\"n\"/></sourceGroup></sourceModel></nrml>",
        "<nrml><logicTree><logicTreeBranchSet branchSetID=\"a\" uncertaintyType=\"gmpeModel\" \
         applyToTectonicRegionType=\"t\"><logicTreeBranch><uncertaintyModel>X</uncertaintyModel>\
         <uncertaintyWeight>1e308</uncertaintyWeight></logicTreeBranch></logicTreeBranchSet>\
         </logicTree></nrml>",
        "<nrml><siteModel><site lon=\"1e400\" lat=\"0\" vs30=\"1\"/></siteModel></nrml>",
    ] {
        check(text);
    }
}

/// The inputs that made the `nrml` fuzz target crash (`fuzz/corpus-regressions/nrml`) are
/// answered without a panic.
#[test]
fn fuzz_regressions() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus-regressions/nrml");
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut count = 0;
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        let bytes = std::fs::read(&path).expect("a readable file");
        if let Ok(text) = std::str::from_utf8(&bytes) {
            check(text);
            count += 1;
        }
    }
    assert!(count > 0, "no regression inputs in {}", dir.display());
}
