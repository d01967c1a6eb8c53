//! [`BlobStore`] on one S3 bucket: key `a/b/c` is the object `a/b/c`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketLifecycleConfiguration, BucketLocationConstraint, CreateBucketConfiguration, Delete,
    ExpirationStatus, LifecycleExpiration, LifecycleRule, LifecycleRuleFilter, ObjectIdentifier,
};
use bytes::Bytes;
use oqcloud_store::{BlobMeta, BlobStore, Download, StoreError, StoreResult, blob_keys};
use tokio::io::AsyncWriteExt;

use crate::aws_error;

/// Keys per DeleteObjects request (the service's limit).
const DELETE_BATCH: usize = 1000;

/// [`BlobStore`] over an S3 bucket. Keys are used as given.
///
/// Objects are written with a single PutObject, so one blob is at most 5 GB.
#[derive(Debug, Clone)]
pub struct S3BlobStore {
    client: Client,
    bucket: String,
}

impl S3BlobStore {
    /// A store over `bucket` (which must exist: see [`S3BlobStore::create_bucket`]).
    pub fn new(client: Client, bucket: String) -> Self {
        S3BlobStore { client, bucket }
    }

    /// The S3 client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The bucket name.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// Creates the bucket in the client's region unless this account already owns it, and
    /// sets its lifecycle rule: blobs under [`blob_keys::TEMPORARY_PREFIX`] expire after a
    /// day (as template.yaml's bucket does).
    pub async fn create_bucket(&self) -> StoreResult<()> {
        let mut create = self.client.create_bucket().bucket(&self.bucket);
        // us-east-1 is the one region that refuses an explicit location constraint.
        if let Some(region) = self.client.config().region()
            && region.as_ref() != "us-east-1"
        {
            create = create.create_bucket_configuration(
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(region.as_ref()))
                    .build(),
            );
        }
        match create.send().await {
            Ok(_) => {}
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|err| err.is_bucket_already_owned_by_you()) => {}
            Err(err) => return Err(aws_error(format!("creating bucket {}", self.bucket), err)),
        }
        self.expire_temporary_blobs().await
    }

    /// The bucket's lifecycle rule: what is under [`blob_keys::TEMPORARY_PREFIX`] expires
    /// after a day.
    async fn expire_temporary_blobs(&self) -> StoreResult<()> {
        let context = || format!("lifecycle of bucket {}", self.bucket);
        let rule = LifecycleRule::builder()
            .id("temporary-exports-and-uploads")
            .status(ExpirationStatus::Enabled)
            .filter(
                LifecycleRuleFilter::builder()
                    .prefix(blob_keys::TEMPORARY_PREFIX)
                    .build(),
            )
            .expiration(LifecycleExpiration::builder().days(1).build())
            .build()
            .map_err(|err| aws_error(context(), err))?;
        let lifecycle = BucketLifecycleConfiguration::builder()
            .rules(rule)
            .build()
            .map_err(|err| aws_error(context(), err))?;
        self.client
            .put_bucket_lifecycle_configuration()
            .bucket(&self.bucket)
            .lifecycle_configuration(lifecycle)
            .send()
            .await
            .map_err(|err| aws_error(context(), err))?;
        Ok(())
    }

    fn presigning(&self, key: &str, ttl: Duration) -> StoreResult<PresigningConfig> {
        PresigningConfig::expires_in(ttl).map_err(|err| aws_error(self.context(key), err))
    }

    fn context(&self, key: &str) -> String {
        format!("s3://{}/{key}", self.bucket)
    }
}

#[async_trait]
impl BlobStore for S3BlobStore {
    /// None: objects are not local files.
    async fn local_path(&self, _key: &str) -> StoreResult<Option<PathBuf>> {
        Ok(None)
    }

    async fn put(&self, key: &str, bytes: Bytes) -> StoreResult<()> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(|err| aws_error(self.context(key), err))?;
        Ok(())
    }

    /// Streams the file (at most 5 GB) in one PutObject.
    async fn put_file(&self, key: &str, path: &Path) -> StoreResult<()> {
        let body = ByteStream::from_path(path)
            .await
            .map_err(|err| StoreError::Other(format!("{}: {err}", path.display())))?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .body(body)
            .send()
            .await
            .map_err(|err| aws_error(self.context(key), err))?;
        Ok(())
    }

    async fn get(&self, key: &str) -> StoreResult<Option<Bytes>> {
        let object = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(object) => object,
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|err| err.is_no_such_key()) =>
            {
                return Ok(None);
            }
            Err(err) => return Err(aws_error(self.context(key), err)),
        };
        let body = object
            .body
            .collect()
            .await
            .map_err(|err| aws_error(self.context(key), err))?;
        Ok(Some(body.into_bytes()))
    }

    /// Streams the object into `dest` (creating its directory), chunk by chunk.
    async fn get_to_file(&self, key: &str, dest: &Path) -> StoreResult<bool> {
        let mut object = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(object) => object,
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|err| err.is_no_such_key()) =>
            {
                return Ok(false);
            }
            Err(err) => return Err(aws_error(self.context(key), err)),
        };
        if let Some(parent) = dest.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        let mut file = tokio::fs::File::create(dest).await?;
        while let Some(chunk) = object
            .body
            .try_next()
            .await
            .map_err(|err| aws_error(self.context(key), err))?
        {
            file.write_all(&chunk).await?;
        }
        file.flush().await?;
        Ok(true)
    }

    async fn head(&self, key: &str) -> StoreResult<Option<BlobMeta>> {
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(head) => Ok(Some(BlobMeta {
                key: key.to_owned(),
                size: head
                    .content_length
                    .and_then(|n| u64::try_from(n).ok())
                    .unwrap_or(0),
                etag: head.e_tag,
            })),
            Err(err) if err.as_service_error().is_some_and(|err| err.is_not_found()) => Ok(None),
            Err(err) => Err(aws_error(self.context(key), err)),
        }
    }

    /// ListObjectsV2, every page.
    async fn list(&self, prefix: &str) -> StoreResult<Vec<BlobMeta>> {
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(prefix)
            .into_paginator()
            .send();
        let mut blobs = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|err| aws_error(self.context(prefix), err))?;
            blobs.extend(
                page.contents
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|object| {
                        Some(BlobMeta {
                            size: object.size.and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
                            etag: object.e_tag,
                            key: object.key?,
                        })
                    }),
            );
        }
        blobs.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(blobs)
    }

    /// Lists the keys, then DeleteObjects in batches of 1000.
    async fn delete_prefix(&self, prefix: &str) -> StoreResult<()> {
        let blobs = self.list(prefix).await?;
        for chunk in blobs.chunks(DELETE_BATCH) {
            let objects = chunk
                .iter()
                .map(|blob| ObjectIdentifier::builder().key(&blob.key).build())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|err| aws_error(self.context(prefix), err))?;
            let delete = Delete::builder()
                .set_objects(Some(objects))
                .quiet(true)
                .build()
                .map_err(|err| aws_error(self.context(prefix), err))?;
            let out = self
                .client
                .delete_objects()
                .bucket(&self.bucket)
                .delete(delete)
                .send()
                .await
                .map_err(|err| aws_error(self.context(prefix), err))?;
            if let Some(error) = out.errors.as_deref().and_then(<[_]>::first) {
                return Err(StoreError::Other(format!(
                    "deleting {}: {} {}",
                    self.context(error.key.as_deref().unwrap_or(prefix)),
                    error.code.as_deref().unwrap_or(""),
                    error.message.as_deref().unwrap_or("")
                )));
            }
        }
        Ok(())
    }

    /// SigV4 query presigning; S3 answers the GET with `download`'s headers.
    async fn presigned_get(
        &self,
        key: &str,
        download: &Download<'_>,
        ttl: Duration,
    ) -> StoreResult<Option<String>> {
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .response_content_type(download.content_type)
            .response_content_disposition(download.content_disposition)
            .presigned(self.presigning(key, ttl)?)
            .await
            .map_err(|err| aws_error(self.context(key), err))?;
        Ok(Some(request.uri().to_owned()))
    }

    /// SigV4 query presigning of a PutObject without a signed body or content type.
    async fn presigned_put(&self, key: &str, ttl: Duration) -> StoreResult<Option<String>> {
        let request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .presigned(self.presigning(key, ttl)?)
            .await
            .map_err(|err| aws_error(self.context(key), err))?;
        Ok(Some(request.uri().to_owned()))
    }
}
