//! Blobs as files under a root directory: key `a/b/c` is the file `<root>/a/b/c`.

use std::fs::{self, File, OpenOptions};
use std::io::{self, ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;

use super::blocking;
use crate::{BlobMeta, BlobStore, Download, StoreError, StoreResult};

/// Names of files being written start with this; they are not blobs, and keys may not use it.
const TEMP_PREFIX: &str = ".oqcloud-tmp-";

/// Distinguishes the temporary files of concurrent writes in this process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// [`BlobStore`] over a directory tree. Writes are atomic (temporary file, then rename).
///
/// Keys are relative `/`-separated paths; absolute keys, empty components, `.`/`..`
/// components and backslashes are refused with [`StoreError::Other`].
#[derive(Debug, Clone)]
pub struct FileBlobStore {
    root: PathBuf,
}

impl FileBlobStore {
    /// A store rooted at `root` (created on the first write).
    pub fn new(root: PathBuf) -> Self {
        FileBlobStore { root }
    }

    /// The file of a valid key.
    fn path_of(&self, key: &str) -> StoreResult<PathBuf> {
        let valid = !key.contains(['\\', '\0'])
            && key
                .split('/')
                .all(|part| !matches!(part, "" | "." | "..") && !part.starts_with(TEMP_PREFIX));
        if valid {
            Ok(self.root.join(key))
        } else {
            Err(StoreError::Other(format!("invalid blob key {key:?}")))
        }
    }

    /// The directory holding every key that starts with `prefix`, and its key (empty or
    /// ending with `/`). The text after the last `/` only filters keys, it is never a path.
    fn prefix_dir<'p>(&self, prefix: &'p str) -> StoreResult<(PathBuf, &'p str)> {
        let invalid = || StoreError::Other(format!("invalid blob prefix {prefix:?}"));
        if prefix.contains(['\\', '\0']) {
            return Err(invalid());
        }
        match prefix.rfind('/') {
            None => Ok((self.root.clone(), "")),
            Some(slash) => {
                let dir = self.path_of(&prefix[..slash]).map_err(|_| invalid())?;
                Ok((dir, &prefix[..=slash]))
            }
        }
    }

    /// The blobs whose key starts with `prefix` (unsorted), and the directories whose key
    /// starts with it, deepest first.
    fn scan(&self, prefix: &str) -> StoreResult<(PathBuf, Vec<Found>, Vec<PathBuf>)> {
        let (dir, dir_key) = self.prefix_dir(prefix)?;
        let mut found = Vec::new();
        let mut dirs = Vec::new();
        walk(&dir, dir_key, prefix, &mut found, &mut dirs)?;
        Ok((dir, found, dirs))
    }
}

/// A blob found by [`walk`].
struct Found {
    meta: BlobMeta,
    path: PathBuf,
}

/// Collects the files under `dir` (whose key is `dir_key`) with a key starting with
/// `prefix`, and the directories whose key (with a final `/`) does, children first.
/// Skips temporary files, symlinks and names that are not UTF-8; tolerates entries
/// vanishing under a concurrent delete.
fn walk(
    dir: &Path,
    dir_key: &str,
    prefix: &str,
    found: &mut Vec<Found>,
    dirs: &mut Vec<PathBuf>,
) -> io::Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if is_absent(&err) => return Ok(()),
        Err(err) => return Err(err),
    };
    for entry in entries {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if name.starts_with(TEMP_PREFIX) {
            continue;
        }
        let key = format!("{dir_key}{name}");
        let metadata = match entry.metadata() {
            Ok(metadata) => metadata,
            Err(err) if is_absent(&err) => continue,
            Err(err) => return Err(err),
        };
        if metadata.is_dir() {
            let sub_key = format!("{key}/");
            let matches = sub_key.starts_with(prefix);
            if matches || prefix.starts_with(&sub_key) {
                walk(&entry.path(), &sub_key, prefix, found, dirs)?;
            }
            if matches {
                dirs.push(entry.path());
            }
        } else if metadata.is_file() && key.starts_with(prefix) {
            let size = metadata.len();
            found.push(Found {
                meta: BlobMeta {
                    key,
                    size,
                    etag: None,
                },
                path: entry.path(),
            });
        }
    }
    Ok(())
}

/// Whether an I/O error means "no such blob" (missing, or a directory in the way).
fn is_absent(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        ErrorKind::NotFound | ErrorKind::NotADirectory | ErrorKind::IsADirectory
    )
}

/// Size of the regular file at `path`, if there is one.
fn file_size(path: &Path) -> io::Result<Option<u64>> {
    match fs::metadata(path) {
        Ok(metadata) if metadata.is_file() => Ok(Some(metadata.len())),
        Ok(_) => Ok(None),
        Err(err) if is_absent(&err) => Ok(None),
        Err(err) => Err(err),
    }
}

/// Writes `path` atomically: `fill` writes a temporary file in the same directory, which
/// is then synced and renamed over `path`.
fn write_atomic(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::new(ErrorKind::InvalidInput, "blob path without a parent"))?;
    fs::create_dir_all(dir)?;
    let temp = dir.join(format!(
        "{TEMP_PREFIX}{}-{}",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut file| {
            fill(&mut file)?;
            file.sync_all()
        })
        .and_then(|()| fs::rename(&temp, path));
    if written.is_err() {
        // Best effort: the write already failed, its error is the one to report.
        let _ = fs::remove_file(&temp);
    }
    written
}

#[async_trait]
impl BlobStore for FileBlobStore {
    async fn put(&self, key: &str, bytes: Bytes) -> StoreResult<()> {
        let path = self.path_of(key)?;
        blocking(move || Ok(write_atomic(&path, |file| file.write_all(&bytes))?)).await
    }

    async fn put_file(&self, key: &str, source: &Path) -> StoreResult<()> {
        let path = self.path_of(key)?;
        let source = source.to_owned();
        blocking(move || {
            let mut source = File::open(&source)?;
            write_atomic(&path, |file| io::copy(&mut source, file).map(drop))?;
            Ok(())
        })
        .await
    }

    async fn get(&self, key: &str) -> StoreResult<Option<Bytes>> {
        let path = self.path_of(key)?;
        blocking(move || match fs::read(&path) {
            Ok(bytes) => Ok(Some(Bytes::from(bytes))),
            Err(err) if is_absent(&err) => Ok(None),
            Err(err) => Err(err.into()),
        })
        .await
    }

    /// Creates the parent directories of `dest` as needed.
    async fn get_to_file(&self, key: &str, dest: &Path) -> StoreResult<bool> {
        let path = self.path_of(key)?;
        let dest = dest.to_owned();
        blocking(move || {
            let mut source = match File::open(&path) {
                Ok(file) => file,
                Err(err) if is_absent(&err) => return Ok(false),
                Err(err) => return Err(err.into()),
            };
            if !source.metadata()?.is_file() {
                return Ok(false);
            }
            if let Some(parent) = dest.parent() {
                fs::create_dir_all(parent)?;
            }
            io::copy(&mut source, &mut File::create(&dest)?)?;
            Ok(true)
        })
        .await
    }

    async fn head(&self, key: &str) -> StoreResult<Option<BlobMeta>> {
        let path = self.path_of(key)?;
        let key = key.to_owned();
        blocking(move || {
            Ok(file_size(&path)?.map(|size| BlobMeta {
                key,
                size,
                etag: None,
            }))
        })
        .await
    }

    async fn list(&self, prefix: &str) -> StoreResult<Vec<BlobMeta>> {
        let store = self.clone();
        let prefix = prefix.to_owned();
        blocking(move || {
            let (_, found, _) = store.scan(&prefix)?;
            let mut blobs: Vec<BlobMeta> = found.into_iter().map(|found| found.meta).collect();
            blobs.sort_unstable_by(|a, b| a.key.cmp(&b.key));
            Ok(blobs)
        })
        .await
    }

    /// Removes the matching files, then the directories left empty (never the root).
    async fn delete_prefix(&self, prefix: &str) -> StoreResult<()> {
        let store = self.clone();
        let prefix = prefix.to_owned();
        blocking(move || {
            let (base, found, dirs) = store.scan(&prefix)?;
            for blob in found {
                if let Err(err) = fs::remove_file(&blob.path)
                    && !is_absent(&err)
                {
                    return Err(err.into());
                }
            }
            // Directories still holding something (e.g. a concurrent write) stay.
            for dir in dirs {
                let _ = fs::remove_dir(dir);
            }
            let mut dir = base.as_path();
            while dir != store.root && fs::remove_dir(dir).is_ok() {
                let Some(parent) = dir.parent() else { break };
                dir = parent;
            }
            Ok(())
        })
        .await
    }

    async fn local_path(&self, key: &str) -> StoreResult<Option<PathBuf>> {
        let path = self.path_of(key)?;
        blocking(move || Ok(file_size(&path)?.map(|_| path))).await
    }

    /// None: files are served by the API itself.
    async fn presigned_get(
        &self,
        _key: &str,
        _download: &Download<'_>,
        _ttl: Duration,
    ) -> StoreResult<Option<String>> {
        Ok(None)
    }

    /// None: uploads arrive in the API's request bodies.
    async fn presigned_put(&self, _key: &str, _ttl: Duration) -> StoreResult<Option<String>> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use tempfile::TempDir;

    use super::*;

    fn store() -> (TempDir, FileBlobStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = FileBlobStore::new(dir.path().join("blobs"));
        (dir, store)
    }

    async fn keys(store: &FileBlobStore, prefix: &str) -> Vec<String> {
        let blobs = store.list(prefix).await.unwrap();
        blobs.into_iter().map(|blob| blob.key).collect()
    }

    /// Every entry under `dir`, as paths relative to it, sorted.
    fn tree(dir: &Path) -> Vec<String> {
        fn visit(dir: &Path, root: &Path, out: &mut Vec<String>) {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                out.push(path.strip_prefix(root).unwrap().display().to_string());
                if path.is_dir() {
                    visit(&path, root, out);
                }
            }
        }
        let mut out = Vec::new();
        visit(dir, dir, &mut out);
        out.sort();
        out
    }

    #[tokio::test]
    async fn offers_no_presigned_urls() {
        let (_dir, store) = store();
        store.put("calcs/1/job.ini", "x".into()).await.unwrap();
        let download = Download {
            content_type: "text/plain",
            content_disposition: "attachment; filename=job.ini",
        };
        let ttl = Duration::from_secs(60);
        let get = store.presigned_get("calcs/1/job.ini", &download, ttl);
        assert_eq!(get.await.unwrap(), None);
        let put = store.presigned_put("tmp/uploads/x.zip", ttl);
        assert_eq!(put.await.unwrap(), None);
    }

    #[tokio::test]
    async fn puts_gets_and_replaces() {
        let (_dir, store) = store();
        assert_eq!(store.get("calcs/1/job.ini").await.unwrap(), None);
        assert_eq!(store.head("calcs/1/job.ini").await.unwrap(), None);
        assert_eq!(store.local_path("calcs/1/job.ini").await.unwrap(), None);

        store.put("calcs/1/job.ini", "first".into()).await.unwrap();
        store
            .put("calcs/1/job.ini", "second!".into())
            .await
            .unwrap();
        assert_eq!(
            store.get("calcs/1/job.ini").await.unwrap(),
            Some(Bytes::from("second!"))
        );
        assert_eq!(
            store.head("calcs/1/job.ini").await.unwrap(),
            Some(BlobMeta {
                key: "calcs/1/job.ini".into(),
                size: 7,
                etag: None,
            })
        );
        let file = store.root.join("calcs/1/job.ini");
        assert_eq!(
            store.local_path("calcs/1/job.ini").await.unwrap(),
            Some(file)
        );
        // No temporary file is left behind.
        assert_eq!(tree(&store.root), ["calcs", "calcs/1", "calcs/1/job.ini"]);

        // A directory is not a blob.
        assert_eq!(store.get("calcs/1").await.unwrap(), None);
        assert_eq!(store.head("calcs/1").await.unwrap(), None);
        assert_eq!(store.local_path("calcs").await.unwrap(), None);
        assert_eq!(store.get("calcs/1/job.ini/x").await.unwrap(), None);
    }

    #[tokio::test]
    async fn copies_files_in_and_out() {
        let (dir, store) = store();
        let source = dir.path().join("upload.xml");
        fs::write(&source, "<nrml/>").unwrap();
        store
            .put_file("calcs/2/inputs/a/b.xml", &source)
            .await
            .unwrap();
        assert_eq!(
            store.get("calcs/2/inputs/a/b.xml").await.unwrap(),
            Some(Bytes::from("<nrml/>"))
        );

        let dest = dir.path().join("work/inputs/a/b.xml");
        assert!(
            store
                .get_to_file("calcs/2/inputs/a/b.xml", &dest)
                .await
                .unwrap()
        );
        assert_eq!(fs::read_to_string(&dest).unwrap(), "<nrml/>");
        let missing = dir.path().join("work/missing.xml");
        assert!(
            !store
                .get_to_file("calcs/2/missing.xml", &missing)
                .await
                .unwrap()
        );
        assert!(!missing.exists());

        let absent_source = store.put_file("calcs/2/x", &dir.path().join("nope")).await;
        assert!(
            matches!(absent_source, Err(StoreError::Io(_))),
            "{absent_source:?}"
        );
        assert_eq!(store.head("calcs/2/x").await.unwrap(), None);
    }

    #[tokio::test]
    async fn lists_by_prefix_sorted() {
        let (_dir, store) = store();
        assert!(
            keys(&store, "").await.is_empty(),
            "missing root lists nothing"
        );
        for key in [
            "calcs/7/inputs/z.xml",
            "calcs/70/calc_70.hdf5",
            "calcs/7/calc_7.hdf5",
            "calcs/7/inputs/a/b.xml",
            "other",
        ] {
            store.put(key, Bytes::from(key.to_owned())).await.unwrap();
        }
        assert_eq!(
            keys(&store, "calcs/7/").await,
            [
                "calcs/7/calc_7.hdf5",
                "calcs/7/inputs/a/b.xml",
                "calcs/7/inputs/z.xml"
            ]
        );
        // Prefixes are plain string prefixes, not directory names.
        assert_eq!(
            keys(&store, "calcs/7").await,
            [
                "calcs/7/calc_7.hdf5",
                "calcs/7/inputs/a/b.xml",
                "calcs/7/inputs/z.xml",
                "calcs/70/calc_70.hdf5"
            ]
        );
        assert_eq!(
            keys(&store, "calcs/7/inputs/a").await,
            ["calcs/7/inputs/a/b.xml"]
        );
        assert_eq!(keys(&store, "oth").await, ["other"]);
        assert_eq!(keys(&store, "").await.len(), 5);
        assert!(keys(&store, "calcs/8/").await.is_empty());
        let sizes: Vec<u64> = store
            .list("calcs/70/")
            .await
            .unwrap()
            .iter()
            .map(|blob| blob.size)
            .collect();
        assert_eq!(sizes, ["calcs/70/calc_70.hdf5".len() as u64]);
    }

    #[tokio::test]
    async fn deletes_a_prefix_and_its_empty_directories() {
        let (_dir, store) = store();
        for key in [
            "calcs/7/inputs/a/b.xml",
            "calcs/7/calc_7.hdf5",
            "calcs/70/calc_70.hdf5",
        ] {
            store.put(key, Bytes::from_static(b"x")).await.unwrap();
        }
        fs::create_dir_all(store.root.join("calcs/7/exports/hcurves/csv")).unwrap();

        store.delete_prefix("calcs/7/").await.unwrap();
        assert_eq!(
            tree(&store.root),
            ["calcs", "calcs/70", "calcs/70/calc_70.hdf5"]
        );

        store.delete_prefix("calcs/").await.unwrap();
        assert!(tree(&store.root).is_empty());
        assert!(store.root.is_dir(), "the root stays");
        store.delete_prefix("calcs/").await.unwrap();
        store.delete_prefix("").await.unwrap();
    }

    #[tokio::test]
    async fn refuses_keys_that_escape_the_root() {
        let (dir, store) = store();
        for key in [
            "",
            "/etc/passwd",
            "../outside",
            "calcs/../../outside",
            "calcs/./x",
            ".",
            "calcs//x",
            "calcs/",
            "calcs\\x",
            "calcs/.oqcloud-tmp-1-2",
        ] {
            let put = store.put(key, Bytes::from_static(b"x")).await;
            assert!(
                matches!(put, Err(StoreError::Other(_))),
                "put {key:?}: {put:?}"
            );
            let get = store.get(key).await;
            assert!(
                matches!(get, Err(StoreError::Other(_))),
                "get {key:?}: {get:?}"
            );
            let head = store.head(key).await;
            assert!(matches!(head, Err(StoreError::Other(_))), "head {key:?}");
            let local_path = store.local_path(key).await;
            assert!(
                matches!(local_path, Err(StoreError::Other(_))),
                "local_path {key:?}"
            );
            let copy = store.get_to_file(key, &dir.path().join("copy")).await;
            assert!(
                matches!(copy, Err(StoreError::Other(_))),
                "get_to_file {key:?}"
            );
        }
        for prefix in ["/", "/etc/", "../", "calcs/../", "a\\b/", "a/./", "calcs\\"] {
            let list = store.list(prefix).await;
            assert!(matches!(list, Err(StoreError::Other(_))), "list {prefix:?}");
            let delete = store.delete_prefix(prefix).await;
            assert!(
                matches!(delete, Err(StoreError::Other(_))),
                "delete {prefix:?}"
            );
        }
        assert!(!dir.path().join("outside").exists());
        assert!(!store.root.exists(), "nothing was written");
    }
}
