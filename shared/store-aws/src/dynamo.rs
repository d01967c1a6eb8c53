//! [`JobRepo`] on one DynamoDB table.
//!
//! The table's key is `pk` (string) + `sk` (number); items are laid out as
//!
//! | item                 | `pk`                                   | `sk`        | other attributes                 |
//! |----------------------|----------------------------------------|-------------|----------------------------------|
//! | job                  | `job#<calc>`                           | 0           | the job, `kind = "job"`, `log_lines` |
//! | log row              | `log#<calc>`                           | line number | `timestamp`, `level`, `process`, `message` |
//! | output, by job       | `outputs#<calc>`                       | result id   | the output                       |
//! | output, by result id | `output#<rid>`                         | 0           | the output                       |
//! | counter              | `counter#calc_id`, `counter#result_id` | 0           | `value`                          |
//!
//! So `outputs(calc)` is one Query and `output(rid)` one GetItem; `log_slice` is one Query
//! on a range of line numbers, `log_size` one counting Query. Line numbers are reserved
//! with `ADD log_lines :n` on the job item; calc and result ids with `ADD value :n` on the
//! counters.
//!
//! The sparse global secondary index [`JOBS_INDEX`] (`kind`, `id`) holds only the job items,
//! so listing jobs never reads log rows. `list_jobs` and `children` Query it and filter, sort
//! and paginate in memory: fine for thousands of jobs, and like every GSI read it is
//! eventually consistent. Every other read is strongly consistent.
//!
//! Timestamps are UTC text `YYYY-MM-DD HH:MM:SS.ffffff`, as in the SQLite store.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, DeleteRequest, GlobalSecondaryIndex,
    KeySchemaElement, KeyType, Projection, ProjectionType, PutRequest, ReturnValue,
    ScalarAttributeType, Select, WriteRequest,
};
use chrono::{DateTime, NaiveDateTime, Utc};
use oqcloud_model::{
    CalcId, Job, JobStatus, LogLevel, LogRecord, NewJob, NewOutput, OutputRecord, ResultId,
};
use oqcloud_store::{JobFilter, JobInfo, JobRepo, StoreError, StoreResult, TransitionFields};

use crate::filter;

/// Name of the global secondary index of job items.
pub const JOBS_INDEX: &str = "jobs";

/// Format of every stored timestamp.
const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S%.6f";
/// Value of `kind` on job items (the hash key of [`JOBS_INDEX`]).
const JOB_KIND: &str = "job";
/// Items per BatchWriteItem request (the service's limit).
const BATCH_SIZE: usize = 25;
/// Attempts of a write that meets a transient conflict or unprocessed items.
const ATTEMPTS: u32 = 6;
/// How long `create_table` waits for the table to become active.
const TABLE_WAIT: Duration = Duration::from_secs(120);

type Item = HashMap<String, AttributeValue>;

/// [`JobRepo`] over a DynamoDB table laid out as the module docs say.
///
/// Log rows and outputs of a missing job are refused with [`StoreError::Database`].
#[derive(Debug, Clone)]
pub struct DynamoJobRepo {
    client: Client,
    table: String,
}

impl DynamoJobRepo {
    /// A repo over `table` (which must exist: see [`DynamoJobRepo::create_table`]).
    pub fn new(client: Client, table: String) -> Self {
        DynamoJobRepo { client, table }
    }

    /// The DynamoDB client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The table name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// Creates the table with its index (on-demand billing) unless it exists, then waits
    /// until it is active.
    pub async fn create_table(&self) -> StoreResult<()> {
        let attribute = |name: &str, kind| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(kind)
                .build()
        };
        let key = |name: &str, kind| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(kind)
                .build()
        };
        let build_error = |err| db_error(format!("table {}", self.table), err);
        let index = GlobalSecondaryIndex::builder()
            .index_name(JOBS_INDEX)
            .key_schema(key("kind", KeyType::Hash).map_err(build_error)?)
            .key_schema(key("id", KeyType::Range).map_err(build_error)?)
            .projection(
                Projection::builder()
                    .projection_type(ProjectionType::All)
                    .build(),
            )
            .build()
            .map_err(build_error)?;
        let created = self
            .client
            .create_table()
            .table_name(&self.table)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attribute("pk", ScalarAttributeType::S).map_err(build_error)?)
            .attribute_definitions(attribute("sk", ScalarAttributeType::N).map_err(build_error)?)
            .attribute_definitions(attribute("kind", ScalarAttributeType::S).map_err(build_error)?)
            .attribute_definitions(attribute("id", ScalarAttributeType::N).map_err(build_error)?)
            .key_schema(key("pk", KeyType::Hash).map_err(build_error)?)
            .key_schema(key("sk", KeyType::Range).map_err(build_error)?)
            .global_secondary_indexes(index)
            .send()
            .await;
        match created {
            Ok(_) => {}
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|err| err.is_resource_in_use_exception()) => {}
            Err(err) => return Err(db_error(format!("creating table {}", self.table), err)),
        }
        self.client
            .wait_until_table_exists()
            .table_name(&self.table)
            .wait(TABLE_WAIT)
            .await
            .map_err(|err| db_error(format!("waiting for table {}", self.table), err))?;
        Ok(())
    }

    /// Adds `n` to the counter `name` and returns its new value.
    async fn bump(&self, name: &str, n: u64) -> StoreResult<i64> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(format!("counter#{name}"), 0)))
            .update_expression("ADD #value :n")
            .expression_attribute_names("#value", "value")
            .expression_attribute_values(":n", number(n))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|err| db_error(format!("counter {name}"), err))?;
        read_number(out.attributes.as_ref().unwrap_or(&Item::new()), "value")
    }

    /// Whether the job item exists (strongly consistent).
    async fn job_exists(&self, id: CalcId) -> StoreResult<bool> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(job_key(id)))
            .projection_expression("pk")
            .consistent_read(true)
            .send()
            .await
            .map_err(|err| db_error(format!("job {id}"), err))?;
        Ok(out.item.is_some())
    }

    /// Every item of partition `pk` in key order (strongly consistent), restricted to
    /// `projection` if given.
    async fn partition(&self, pk: &str, projection: Option<&str>) -> StoreResult<Vec<Item>> {
        self.client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", AttributeValue::S(pk.to_owned()))
            .set_projection_expression(projection.map(str::to_owned))
            .consistent_read(true)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|err| db_error(format!("reading {pk}"), err))
    }

    /// Every job item, from the index.
    async fn all_jobs(&self, filter: Option<(&str, AttributeValue)>) -> StoreResult<Vec<Item>> {
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(JOBS_INDEX)
            .key_condition_expression("#kind = :kind")
            .expression_attribute_names("#kind", "kind")
            .expression_attribute_values(":kind", AttributeValue::S(JOB_KIND.to_owned()));
        if let Some((name, value)) = filter {
            query = query
                .filter_expression("#filtered = :filtered")
                .expression_attribute_names("#filtered", name)
                .expression_attribute_values(":filtered", value);
        }
        query
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|err| db_error("listing jobs", err))
    }

    /// Writes (puts or deletes) in batches, retrying unprocessed items with backoff.
    async fn batch_write(&self, requests: Vec<WriteRequest>) -> StoreResult<()> {
        for chunk in requests.chunks(BATCH_SIZE) {
            let mut pending = chunk.to_vec();
            let mut attempt = 0;
            while !pending.is_empty() {
                if attempt == ATTEMPTS {
                    return Err(StoreError::Database(format!(
                        "table {}: {} writes left unprocessed",
                        self.table,
                        pending.len()
                    )));
                }
                if attempt > 0 {
                    tokio::time::sleep(backoff(attempt)).await;
                }
                attempt += 1;
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, pending)
                    .send()
                    .await
                    .map_err(|err| db_error(format!("writing to {}", self.table), err))?;
                pending = out
                    .unprocessed_items
                    .and_then(|mut left| left.remove(&self.table))
                    .unwrap_or_default();
            }
        }
        Ok(())
    }

    /// Deletes every item of partition `pk`; returns their sort keys.
    async fn delete_partition(&self, pk: &str) -> StoreResult<Vec<i64>> {
        let items = self.partition(pk, Some("pk, sk")).await?;
        let mut sort_keys = Vec::with_capacity(items.len());
        let mut deletes = Vec::with_capacity(items.len());
        for item in items {
            sort_keys.push(read_number(&item, "sk")?);
            deletes.push(delete_request(item)?);
        }
        self.batch_write(deletes).await?;
        Ok(sort_keys)
    }
}

#[async_trait]
impl JobRepo for DynamoJobRepo {
    /// The id comes from the `counter#calc_id` item; the job item is written only if no
    /// item has that id.
    /// The id comes from the atomic counter; an id already taken (a counter that went back,
    /// or an emulator whose counter is not atomic under concurrent requests) is skipped.
    async fn create_job(&self, new: NewJob) -> StoreResult<Job> {
        let mut attempt = 0;
        loop {
            let id = self.bump("calc_id", 1).await?;
            let item = job_item(&Job {
                id,
                description: NewJob::PLACEHOLDER_DESCRIPTION.to_owned(),
                user_name: new.user_name.clone(),
                calculation_mode: NewJob::PLACEHOLDER_MODE.to_owned(),
                hazard_calculation_id: None,
                status: JobStatus::Created,
                start_time: Utc::now(),
                stop_time: None,
                relevant: true,
                pid: 0,
                size_mb: None,
                host: new.host.clone(),
                workflow_id: None,
                job_ini: None,
            })?;
            let job = job_from_item(&item)?;
            let put = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk)")
                .send()
                .await;
            match put {
                Ok(_) => return Ok(job),
                Err(err)
                    if attempt < ATTEMPTS
                        && err
                            .as_service_error()
                            .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
                {
                    attempt += 1;
                }
                Err(err) => return Err(db_error(format!("creating job {id}"), err)),
            }
        }
    }

    async fn get_job(&self, id: CalcId) -> StoreResult<Option<Job>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(job_key(id)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|err| db_error(format!("job {id}"), err))?;
        out.item.as_ref().map(job_from_item).transpose()
    }

    /// Queries every job from the index, then filters, sorts and paginates in memory.
    async fn list_jobs(&self, filter: &JobFilter) -> StoreResult<Vec<Job>> {
        let jobs = self
            .all_jobs(None)
            .await?
            .iter()
            .map(job_from_item)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(filter::select(jobs, filter))
    }

    /// No-op when the job does not exist.
    async fn set_info(&self, id: CalcId, info: &JobInfo) -> StoreResult<()> {
        let mut expression =
            "SET #mode = :mode, #description = :description, #job_ini = :job_ini".to_owned();
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(job_key(id)))
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#mode", "calculation_mode")
            .expression_attribute_names("#description", "description")
            .expression_attribute_names("#job_ini", "job_ini")
            .expression_attribute_names("#parent", "hazard_calculation_id")
            .expression_attribute_values(":mode", text(&info.calculation_mode))
            .expression_attribute_values(":description", text(&info.description))
            .expression_attribute_values(":job_ini", text(&info.job_ini));
        match info.hazard_calculation_id {
            Some(parent) => {
                expression.push_str(", #parent = :parent");
                update = update.expression_attribute_values(":parent", number(parent));
            }
            None => expression.push_str(" REMOVE #parent"),
        }
        match update.update_expression(expression).send().await {
            Ok(_) => Ok(()),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|err| err.is_conditional_check_failed_exception()) =>
            {
                Ok(())
            }
            Err(err) => Err(db_error(format!("job {id}"), err)),
        }
    }

    /// One conditional UpdateItem (`status IN (predecessors)`), retried on transaction
    /// conflicts. Besides the status it sets `pid` and `size_mb` when given, `start_time`
    /// when moving to `executing`, and `stop_time` when moving to a finished status unless
    /// the job already has one (sharing or unsharing a job keeps its stop time).
    async fn transition(
        &self,
        id: CalcId,
        to: JobStatus,
        fields: TransitionFields,
    ) -> StoreResult<Option<Job>> {
        let from = JobStatus::predecessors(to);
        if from.is_empty() {
            return Ok(None);
        }
        let now = text(&format_time(Utc::now()));
        let mut sets = vec!["#status = :to"];
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(job_key(id)))
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":to", text(to.as_str()))
            .return_values(ReturnValue::AllNew);
        if let Some(pid) = fields.pid {
            sets.push("#pid = :pid");
            update = update
                .expression_attribute_names("#pid", "pid")
                .expression_attribute_values(":pid", number(pid));
        }
        if let Some(size_mb) = fields.size_mb {
            sets.push("#size_mb = :size_mb");
            update = update
                .expression_attribute_names("#size_mb", "size_mb")
                .expression_attribute_values(":size_mb", float(size_mb)?);
        }
        if to == JobStatus::Executing {
            sets.push("#start_time = :now");
            update = update
                .expression_attribute_names("#start_time", "start_time")
                .expression_attribute_values(":now", now.clone());
        }
        if to.is_terminal() {
            sets.push("#stop_time = if_not_exists(#stop_time, :now)");
            update = update
                .expression_attribute_names("#stop_time", "stop_time")
                .expression_attribute_values(":now", now);
        }
        let mut placeholders = Vec::with_capacity(from.len());
        for (n, status) in from.iter().enumerate() {
            let placeholder = format!(":from{n}");
            update = update.expression_attribute_values(&placeholder, text(status.as_str()));
            placeholders.push(placeholder);
        }
        let update = update
            .update_expression(format!("SET {}", sets.join(", ")))
            .condition_expression(format!("#status IN ({})", placeholders.join(", ")));
        let mut attempt = 0;
        loop {
            match update.clone().send().await {
                Ok(out) => return out.attributes.as_ref().map(job_from_item).transpose(),
                Err(err) => match err.as_service_error() {
                    Some(err) if err.is_conditional_check_failed_exception() => return Ok(None),
                    Some(err) if err.is_transaction_conflict_exception() && attempt < ATTEMPTS => {
                        attempt += 1;
                        tokio::time::sleep(backoff(attempt)).await;
                    }
                    _ => return Err(db_error(format!("moving job {id} to {to}"), err)),
                },
            }
        }
    }

    /// Deletes the job item first (so no more log rows or outputs can be added), then its
    /// log rows and outputs with BatchWriteItem.
    async fn delete_job(&self, id: CalcId) -> StoreResult<bool> {
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(job_key(id)))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|err| db_error(format!("deleting job {id}"), err))?;
        self.delete_partition(&log_pk(id)).await?;
        let result_ids = self.delete_partition(&outputs_pk(id)).await?;
        let by_id = result_ids
            .into_iter()
            .map(|rid| delete_request(key(output_pk(rid), 0)))
            .collect::<StoreResult<Vec<_>>>()?;
        self.batch_write(by_id).await?;
        Ok(out.attributes.is_some())
    }

    async fn children(&self, id: CalcId) -> StoreResult<Vec<CalcId>> {
        let mut ids = self
            .all_jobs(Some(("hazard_calculation_id", number(id))))
            .await?
            .iter()
            .map(|item| read_number(item, "id"))
            .collect::<StoreResult<Vec<_>>>()?;
        ids.sort_unstable();
        Ok(ids)
    }

    /// Reserves line numbers with `ADD log_lines :n` on the job item (which must exist),
    /// then writes the rows in batches of 25. Rows are not rolled back: if a batch fails,
    /// the numbers reserved for the rest stay unused, and later line numbers run ahead of
    /// `log_size` (a count of the rows).
    async fn append_log(&self, id: CalcId, records: &[LogRecord]) -> StoreResult<()> {
        if records.is_empty() {
            return Ok(());
        }
        let n = records.len() as u64;
        let reserved = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(job_key(id)))
            .update_expression("ADD #lines :n")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#lines", "log_lines")
            .expression_attribute_values(":n", number(n))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await;
        let end: u64 = match reserved {
            Ok(out) => read_number(out.attributes.as_ref().unwrap_or(&Item::new()), "log_lines")?,
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|err| err.is_conditional_check_failed_exception()) =>
            {
                return Err(StoreError::Database(format!(
                    "cannot log to job {id}: no such job"
                )));
            }
            Err(err) => return Err(db_error(format!("logging to job {id}"), err)),
        };
        let first = end.saturating_sub(n);
        let puts = records
            .iter()
            .zip(first..)
            .map(|(record, line)| {
                let mut item = key(log_pk(id), line);
                item.insert("timestamp".into(), text(&format_time(record.timestamp)));
                item.insert("level".into(), text(record.level.as_str()));
                item.insert("process".into(), text(&record.process));
                item.insert("message".into(), text(&record.message));
                put_request(item)
            })
            .collect::<StoreResult<Vec<_>>>()?;
        self.batch_write(puts).await
    }

    /// One Query on the line numbers `start..stop`.
    async fn log_slice(
        &self,
        id: CalcId,
        start: u64,
        stop: Option<u64>,
    ) -> StoreResult<Vec<LogRecord>> {
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .expression_attribute_values(":pk", text(&log_pk(id)))
            .expression_attribute_values(":start", number(start))
            .consistent_read(true);
        query = match stop {
            Some(stop) if stop <= start => return Ok(Vec::new()),
            Some(stop) => query
                .key_condition_expression("pk = :pk AND sk BETWEEN :start AND :last")
                .expression_attribute_values(":last", number(stop - 1)),
            None => query.key_condition_expression("pk = :pk AND sk >= :start"),
        };
        let items = query
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|err| db_error(format!("log of job {id}"), err))?;
        items.iter().map(log_from_item).collect()
    }

    /// A counting Query over the job's log rows (one request per 1 MB of rows).
    async fn log_size(&self, id: CalcId) -> StoreResult<u64> {
        let mut pages = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", text(&log_pk(id)))
            .select(Select::Count)
            .consistent_read(true)
            .into_paginator()
            .send();
        let mut count = 0;
        while let Some(page) = pages.next().await {
            let page = page.map_err(|err| db_error(format!("log of job {id}"), err))?;
            count += u64::try_from(page.count).unwrap_or(0);
        }
        Ok(count)
    }

    /// A backwards Query over the log rows, filtered on the level, stopping at the first hit.
    async fn last_error(&self, id: CalcId) -> StoreResult<Option<String>> {
        let mut pages = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .filter_expression("#level = :error")
            .expression_attribute_names("#level", "level")
            .expression_attribute_values(":pk", text(&log_pk(id)))
            .expression_attribute_values(":error", text(LogLevel::Error.as_str()))
            .scan_index_forward(false)
            .consistent_read(true)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|err| db_error(format!("log of job {id}"), err))?;
            if let Some(item) = page.items.as_deref().and_then(<[Item]>::first) {
                return Ok(Some(read_text(item, "message")?.to_owned()));
            }
        }
        Ok(None)
    }

    /// Result ids come from the `counter#result_id` item; each output is written twice
    /// (under its job and under its id).
    async fn add_outputs(
        &self,
        id: CalcId,
        outputs: &[NewOutput],
    ) -> StoreResult<Vec<OutputRecord>> {
        if outputs.is_empty() {
            return Ok(Vec::new());
        }
        if !self.job_exists(id).await? {
            return Err(StoreError::Database(format!(
                "cannot add outputs to job {id}: no such job"
            )));
        }
        let n = outputs.len() as u64;
        let last = self.bump("result_id", n).await?;
        let first = last - (n as i64) + 1;
        let records: Vec<OutputRecord> = outputs
            .iter()
            .zip(first..)
            .map(|(output, rid)| OutputRecord {
                id: rid,
                calc_id: id,
                output_type: output.output_type.clone(),
                display_name: output.display_name.clone(),
                size_mb: output.size_mb,
            })
            .collect();
        let mut puts = Vec::with_capacity(2 * records.len());
        for record in &records {
            let fields = output_fields(record)?;
            for mut item in [key(outputs_pk(id), record.id), key(output_pk(record.id), 0)] {
                item.extend(fields.clone());
                puts.push(put_request(item)?);
            }
        }
        self.batch_write(puts).await?;
        Ok(records)
    }

    async fn outputs(&self, id: CalcId) -> StoreResult<Vec<OutputRecord>> {
        let items = self.partition(&outputs_pk(id), None).await?;
        items.iter().map(output_from_item).collect()
    }

    async fn output(&self, id: ResultId) -> StoreResult<Option<OutputRecord>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(output_pk(id), 0)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|err| db_error(format!("output {id}"), err))?;
        out.item.as_ref().map(output_from_item).transpose()
    }
}

/// A failed DynamoDB call as [`StoreError::Database`], with the SDK's error chain.
fn db_error(
    what: impl std::fmt::Display,
    err: impl std::error::Error + Send + Sync + 'static,
) -> StoreError {
    StoreError::Database(format!("{what}: {}", DisplayErrorContext(err)))
}

/// Delay before retry `attempt` (1-based): 50 ms doubling.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(50 << attempt.min(6))
}

fn log_pk(id: CalcId) -> String {
    format!("log#{id}")
}

fn outputs_pk(id: CalcId) -> String {
    format!("outputs#{id}")
}

fn output_pk(id: ResultId) -> String {
    format!("output#{id}")
}

fn job_key(id: CalcId) -> Item {
    key(format!("job#{id}"), 0)
}

/// The primary key `pk`, `sk` as an item.
fn key(pk: String, sk: impl std::fmt::Display) -> Item {
    HashMap::from([
        ("pk".to_owned(), AttributeValue::S(pk)),
        ("sk".to_owned(), number(sk)),
    ])
}

fn text(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

fn number(value: impl std::fmt::Display) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// A float as a DynamoDB number (which has no NaN or infinity).
fn float(value: f64) -> StoreResult<AttributeValue> {
    if value.is_finite() {
        Ok(number(value))
    } else {
        Err(StoreError::Database(format!(
            "{value} cannot be stored as a number"
        )))
    }
}

fn put_request(item: Item) -> StoreResult<WriteRequest> {
    let put = PutRequest::builder()
        .set_item(Some(item))
        .build()
        .map_err(|err| db_error("put request", err))?;
    Ok(WriteRequest::builder().put_request(put).build())
}

fn delete_request(key: Item) -> StoreResult<WriteRequest> {
    let delete = DeleteRequest::builder()
        .set_key(Some(key))
        .build()
        .map_err(|err| db_error("delete request", err))?;
    Ok(WriteRequest::builder().delete_request(delete).build())
}

pub(crate) fn format_time(time: DateTime<Utc>) -> String {
    time.format(TIME_FORMAT).to_string()
}

fn parse_time(value: &str) -> StoreResult<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(value, TIME_FORMAT)
        .map(|time| time.and_utc())
        .map_err(|err| StoreError::Database(format!("bad timestamp {value:?}: {err}")))
}

fn missing(name: &str) -> StoreError {
    StoreError::Database(format!("item without a valid {name:?}"))
}

fn read_text<'a>(item: &'a Item, name: &str) -> StoreResult<&'a str> {
    read_opt_text(item, name)?.ok_or_else(|| missing(name))
}

fn read_opt_text<'a>(item: &'a Item, name: &str) -> StoreResult<Option<&'a str>> {
    item.get(name)
        .map(|value| value.as_s().map(String::as_str).map_err(|_| missing(name)))
        .transpose()
}

fn read_number<T: FromStr>(item: &Item, name: &str) -> StoreResult<T> {
    read_opt_number(item, name)?.ok_or_else(|| missing(name))
}

fn read_opt_number<T: FromStr>(item: &Item, name: &str) -> StoreResult<Option<T>> {
    item.get(name)
        .map(|value| {
            value
                .as_n()
                .ok()
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| missing(name))
        })
        .transpose()
}

fn job_item(job: &Job) -> StoreResult<Item> {
    let mut item = job_key(job.id);
    let mut put = |name: &str, value| {
        item.insert(name.to_owned(), value);
    };
    put("kind", text(JOB_KIND));
    put("id", number(job.id));
    put("description", text(&job.description));
    put("user_name", text(&job.user_name));
    put("calculation_mode", text(&job.calculation_mode));
    put("status", text(job.status.as_str()));
    put("start_time", text(&format_time(job.start_time)));
    put("relevant", AttributeValue::Bool(job.relevant));
    put("pid", number(job.pid));
    put("host", text(&job.host));
    if let Some(parent) = job.hazard_calculation_id {
        put("hazard_calculation_id", number(parent));
    }
    if let Some(stop) = job.stop_time {
        put("stop_time", text(&format_time(stop)));
    }
    if let Some(size_mb) = job.size_mb {
        put("size_mb", float(size_mb)?);
    }
    if let Some(workflow) = job.workflow_id {
        put("workflow_id", number(workflow));
    }
    if let Some(job_ini) = &job.job_ini {
        put("job_ini", text(job_ini));
    }
    Ok(item)
}

fn job_from_item(item: &Item) -> StoreResult<Job> {
    let status = read_text(item, "status")?;
    Ok(Job {
        id: read_number(item, "id")?,
        description: read_text(item, "description")?.to_owned(),
        user_name: read_text(item, "user_name")?.to_owned(),
        calculation_mode: read_text(item, "calculation_mode")?.to_owned(),
        hazard_calculation_id: read_opt_number(item, "hazard_calculation_id")?,
        status: status
            .parse()
            .map_err(|err| StoreError::Database(format!("{err}")))?,
        start_time: parse_time(read_text(item, "start_time")?)?,
        stop_time: read_opt_text(item, "stop_time")?
            .map(parse_time)
            .transpose()?,
        relevant: item
            .get("relevant")
            .and_then(|value| value.as_bool().ok())
            .copied()
            .ok_or_else(|| missing("relevant"))?,
        pid: read_number(item, "pid")?,
        size_mb: read_opt_number(item, "size_mb")?,
        host: read_text(item, "host")?.to_owned(),
        workflow_id: read_opt_number(item, "workflow_id")?,
        job_ini: read_opt_text(item, "job_ini")?.map(str::to_owned),
    })
}

fn log_from_item(item: &Item) -> StoreResult<LogRecord> {
    Ok(LogRecord {
        timestamp: parse_time(read_text(item, "timestamp")?)?,
        level: read_text(item, "level")?
            .parse()
            .map_err(StoreError::Database)?,
        process: read_text(item, "process")?.to_owned(),
        message: read_text(item, "message")?.to_owned(),
    })
}

/// The attributes of an output item besides its key.
fn output_fields(record: &OutputRecord) -> StoreResult<Item> {
    let mut item = HashMap::from([
        ("id".to_owned(), number(record.id)),
        ("calc_id".to_owned(), number(record.calc_id)),
        ("output_type".to_owned(), text(&record.output_type)),
        ("display_name".to_owned(), text(&record.display_name)),
    ]);
    if let Some(size_mb) = record.size_mb {
        item.insert("size_mb".to_owned(), float(size_mb)?);
    }
    Ok(item)
}

fn output_from_item(item: &Item) -> StoreResult<OutputRecord> {
    Ok(OutputRecord {
        id: read_number(item, "id")?,
        calc_id: read_number(item, "calc_id")?,
        output_type: read_text(item, "output_type")?.to_owned(),
        display_name: read_text(item, "display_name")?.to_owned(),
        size_mb: read_opt_number(item, "size_mb")?,
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn jobs_round_trip_through_items() {
        let job = Job {
            id: 12,
            description: "a job".into(),
            user_name: "alice".into(),
            calculation_mode: "classical".into(),
            hazard_calculation_id: Some(3),
            status: JobStatus::Complete,
            start_time: Utc.timestamp_micros(1_700_000_000_123_456).unwrap(),
            stop_time: Some(Utc.timestamp_micros(1_700_000_100_000_001).unwrap()),
            relevant: true,
            pid: 42,
            size_mb: Some(0.1 + 0.2),
            host: "h".into(),
            workflow_id: Some(9),
            job_ini: Some("job.ini".into()),
        };
        assert_eq!(job_from_item(&job_item(&job).unwrap()).unwrap(), job);
        let bare = Job {
            hazard_calculation_id: None,
            stop_time: None,
            size_mb: None,
            workflow_id: None,
            job_ini: None,
            ..job
        };
        let item = job_item(&bare).unwrap();
        assert!(!item.contains_key("stop_time"));
        assert_eq!(job_from_item(&item).unwrap(), bare);
        assert!(float(f64::NAN).is_err());
    }

    #[test]
    fn malformed_items_are_database_errors() {
        let job = Job {
            id: 1,
            description: String::new(),
            user_name: "alice".into(),
            calculation_mode: "classical".into(),
            hazard_calculation_id: None,
            status: JobStatus::Created,
            start_time: Utc::now(),
            stop_time: None,
            relevant: true,
            pid: 0,
            size_mb: None,
            host: "h".into(),
            workflow_id: None,
            job_ini: None,
        };
        let mut item = job_item(&job).unwrap();
        item.insert("id".into(), text("one"));
        let err = job_from_item(&item).unwrap_err();
        assert!(matches!(err, StoreError::Database(_)), "{err}");
        assert!(err.to_string().contains("\"id\""), "{err}");
    }
}
