//! Local files of blobs, for readers that need a file (HDF5 datastores): the blob's own file
//! where the store keeps files, else a copy kept between requests by [`BlobCache`].
//!
//! Invariants:
//! - a copy is keyed by blob key and ETag: once a blob changes, its old copy is never served;
//! - the copies' total size stays within the budget, except for copies in use (a
//!   [`LocalFile`] pins its copy until dropped); a blob larger than the budget gets a
//!   copy of its own, deleted with its [`LocalFile`];
//! - copies live in a directory of this process, removed with the cache.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::{BlobStore, StoreError, StoreResult};

/// Copies of blobs from a store without local files (S3), most recently used first kept
/// within a size budget, so that repeated reads of a datastore download it once.
pub struct BlobCache {
    scratch_dir: PathBuf,
    budget: u64,
    state: Mutex<CacheState>,
    /// Held while downloading: one download at a time, and never twice the same blob.
    downloading: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct CacheState {
    /// The directory of the copies, made on the first download.
    dir: Option<tempfile::TempDir>,
    /// Copies by (key, ETag).
    copies: HashMap<(String, String), Copy>,
    /// Increases at every use: the copy with the smallest `last_used` goes first.
    clock: u64,
}

struct Copy {
    path: PathBuf,
    size: u64,
    last_used: u64,
    /// The [`LocalFile`]s of this copy alive now.
    users: usize,
}

/// A local file of a blob, valid while this value lives.
pub struct LocalFile(Holder);

enum Holder {
    /// The store's own file.
    Store(PathBuf),
    /// A copy in a cache, pinned until the drop.
    Cached {
        cache: Arc<BlobCache>,
        id: (String, String),
        path: PathBuf,
    },
    /// A copy for this reader alone, deleted with it.
    Own(tempfile::NamedTempFile),
}

impl LocalFile {
    /// The file's path.
    pub fn path(&self) -> &Path {
        match &self.0 {
            Holder::Store(path) | Holder::Cached { path, .. } => path,
            Holder::Own(copy) => copy.path(),
        }
    }

    /// Whether this file is a copy shared through the cache (not the store's own file, nor a
    /// copy of its own).
    pub fn is_cached(&self) -> bool {
        matches!(self.0, Holder::Cached { .. })
    }
}

impl Drop for LocalFile {
    fn drop(&mut self) {
        if let Holder::Cached { cache, id, .. } = &self.0 {
            let mut state = cache.lock();
            if let Some(copy) = state.copies.get_mut(id) {
                copy.users -= 1;
            }
            shrink(&mut state, cache.budget);
        }
    }
}

impl BlobCache {
    /// A cache keeping at most `budget` bytes of copies in a new directory under
    /// `scratch_dir`.
    pub fn new(scratch_dir: PathBuf, budget: u64) -> Arc<Self> {
        Arc::new(BlobCache {
            scratch_dir,
            budget,
            state: Mutex::new(CacheState::default()),
            downloading: tokio::sync::Mutex::new(()),
        })
    }

    /// A local file of the blob under `key`, `None` if there is no such blob: the store's
    /// own file if it has one, else a copy, downloaded unless the cache holds the blob's
    /// current version.
    pub async fn local_file(
        self: &Arc<Self>,
        blobs: &dyn BlobStore,
        key: &str,
    ) -> StoreResult<Option<LocalFile>> {
        if let Some(path) = blobs.local_path(key).await? {
            return Ok(Some(LocalFile(Holder::Store(path))));
        }
        let Some(meta) = blobs.head(key).await? else {
            return Ok(None);
        };
        let Some(etag) = meta.etag.filter(|_| meta.size <= self.budget) else {
            return self.own_copy(blobs, key).await;
        };
        let id = (key.to_owned(), etag);
        if let Some(file) = self.reuse(&id) {
            return Ok(Some(file));
        }
        let _downloading = self.downloading.lock().await;
        // a concurrent request may have downloaded it meanwhile
        if let Some(file) = self.reuse(&id) {
            return Ok(Some(file));
        }
        let dir = self.dir()?;
        let download = tempfile::NamedTempFile::new_in(&dir)?;
        // A blob replaced between the HEAD and this GET is stored under its older ETag:
        // newer content than the key says, and the next request (seeing the new ETag)
        // downloads it again.
        if !blobs.get_to_file(key, download.path()).await? {
            return Ok(None);
        }
        let size = std::fs::metadata(download.path())?.len();
        let (_, path) = download
            .keep()
            .map_err(|e| StoreError::Other(format!("keeping a copy of {key}: {e}")))?;
        let mut state = self.lock();
        state.clock += 1;
        let copy = Copy {
            path: path.clone(),
            size,
            last_used: state.clock,
            users: 1,
        };
        state.copies.insert(id.clone(), copy);
        drop_outdated(&mut state, &id);
        shrink(&mut state, self.budget);
        Ok(Some(LocalFile(Holder::Cached {
            cache: self.clone(),
            id,
            path,
        })))
    }

    /// The total size of the copies held now.
    pub fn held_bytes(&self) -> u64 {
        self.lock().copies.values().map(|copy| copy.size).sum()
    }

    /// The cached copy `id`, marked used, if there is one.
    fn reuse(self: &Arc<Self>, id: &(String, String)) -> Option<LocalFile> {
        let mut state = self.lock();
        state.clock += 1;
        let clock = state.clock;
        let copy = state.copies.get_mut(id)?;
        copy.last_used = clock;
        copy.users += 1;
        Some(LocalFile(Holder::Cached {
            cache: self.clone(),
            id: id.clone(),
            path: copy.path.clone(),
        }))
    }

    /// A copy of the blob for one reader, outside the budget.
    async fn own_copy(&self, blobs: &dyn BlobStore, key: &str) -> StoreResult<Option<LocalFile>> {
        let copy = tempfile::NamedTempFile::new_in(self.dir()?)?;
        if !blobs.get_to_file(key, copy.path()).await? {
            return Ok(None);
        }
        Ok(Some(LocalFile(Holder::Own(copy))))
    }

    /// The directory of the copies, made on first use.
    fn dir(&self) -> StoreResult<PathBuf> {
        let mut state = self.lock();
        if let Some(dir) = &state.dir {
            return Ok(dir.path().to_path_buf());
        }
        std::fs::create_dir_all(&self.scratch_dir)?;
        let dir = tempfile::Builder::new()
            .prefix("blob-cache-")
            .tempdir_in(&self.scratch_dir)?;
        let path = dir.path().to_path_buf();
        state.dir = Some(dir);
        Ok(path)
    }

    fn lock(&self) -> MutexGuard<'_, CacheState> {
        // the state stays consistent at every unlock: a panic elsewhere cannot spoil it
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Deletes the copies of older versions of the blob of `fresh` not in use.
fn drop_outdated(state: &mut CacheState, fresh: &(String, String)) {
    let outdated: Vec<_> = state
        .copies
        .iter()
        .filter(|(id, copy)| id.0 == fresh.0 && id.1 != fresh.1 && copy.users == 0)
        .map(|(id, _)| id.clone())
        .collect();
    for id in outdated {
        delete(state, &id);
    }
}

/// Deletes the least recently used copies not in use until the total fits `budget`.
fn shrink(state: &mut CacheState, budget: u64) {
    let mut total: u64 = state.copies.values().map(|copy| copy.size).sum();
    while total > budget {
        let oldest = state
            .copies
            .iter()
            .filter(|(_, copy)| copy.users == 0)
            .min_by_key(|(_, copy)| copy.last_used)
            .map(|(id, _)| id.clone());
        let Some(id) = oldest else { break };
        total -= delete(state, &id);
    }
}

/// Removes copy `id` and its file; its size.
fn delete(state: &mut CacheState, id: &(String, String)) -> u64 {
    let Some(copy) = state.copies.remove(id) else {
        return 0;
    };
    if let Err(err) = std::fs::remove_file(&copy.path) {
        tracing::warn!(
            "could not delete the cached copy {}: {err}",
            copy.path.display()
        );
    }
    copy.size
}
