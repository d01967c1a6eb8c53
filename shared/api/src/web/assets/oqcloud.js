// oqcloud's web pages: follows a calculation while it runs (status and log), and sends the
// forms (submit, abort, remove) to the REST API, showing its answer.
'use strict';

const POLL_MS = 1000;
const LOG_ROWS_SHOWN = 1000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The API's message in a failed answer: JSON {"error": ...}, or the text of the body. */
async function failureMessage(response) {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    if (body && body.error) return body.error;
  } catch (_) {
    // not JSON: the text itself
  }
  return text || `${response.status} ${response.statusText}`;
}

/** Appends log rows `[timestamp, level, process, message]`, keeping the last ones. */
function appendLog(pre, rows) {
  const lines = rows.map((row) => `${row[0]} [${row[1]}] ${row[3]}`);
  const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
  const text = (pre.textContent ? `${pre.textContent}\n` : '') + lines.join('\n');
  const kept = text.split('\n').slice(-LOG_ROWS_SHOWN);
  pre.textContent = kept.join('\n');
  if (atBottom) pre.scrollTop = pre.scrollHeight;
}

/** Loads the log, then, while the calculation runs, polls its status and new log rows;
 * reloads the page when it ends so that its outputs and plots appear. */
async function followCalculation(calc) {
  const id = calc.dataset.calcId;
  const statusEl = document.getElementById('status');
  const pre = document.getElementById('log');
  const note = document.getElementById('log-note');
  let running = calc.dataset.running === 'true';
  let next = 0;
  for (;;) {
    try {
      const log = await fetch(`/v1/calc/${id}/log/${next}:`);
      if (!log.ok) throw new Error(await failureMessage(log));
      const rows = await log.json();
      if (rows.length > 0) {
        next += rows.length;
        appendLog(pre, rows);
      }
      if (!running) {
        if (next === 0) note.textContent = 'The log is empty.';
        return;
      }
      const answer = await fetch(`/v1/calc/${id}/status`);
      if (!answer.ok) throw new Error(await failureMessage(answer));
      const status = await answer.json();
      statusEl.textContent = status.status;
      statusEl.dataset.status = status.status;
      statusEl.className = `status status-${status.status}`;
      if (!status.is_running) {
        running = false;
        window.location.reload();
        return;
      }
      note.textContent = '';
    } catch (error) {
      note.textContent = `Could not refresh: ${error.message}; retrying.`;
    }
    await sleep(POLL_MS);
  }
}

/** Sends an abort or remove form to the API; then reloads or goes where `data-then` says. */
async function sendAction(form, event) {
  event.preventDefault();
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
  const result = document.getElementById('action-result');
  result.textContent = '…';
  try {
    const response = await fetch(form.action, { method: 'POST' });
    if (!response.ok) throw new Error(await failureMessage(response));
    const body = await response.json();
    if (body.error) throw new Error(body.error);
    if (form.dataset.then === 'reload') window.location.reload();
    else window.location.assign(form.dataset.then);
  } catch (error) {
    result.textContent = error.message;
  }
}

/** Sends the submit form to `POST /v1/calc/run` and opens the new calculation's page. */
async function submitJob(form, event) {
  event.preventDefault();
  const result = document.getElementById('submit-result');
  const button = form.querySelector('button[type=submit]');
  result.textContent = 'Uploading…';
  button.disabled = true;
  try {
    const response = await fetch(form.action, { method: 'POST', body: new FormData(form) });
    if (!response.ok) throw new Error(await failureMessage(response));
    const job = await response.json();
    window.location.assign(`/engine/${job.job_id}/outputs`);
  } catch (error) {
    result.textContent = `Refused: ${error.message}`;
    button.disabled = false;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  const calc = document.getElementById('calc');
  if (calc) followCalculation(calc);
  for (const form of document.querySelectorAll('form.action')) {
    form.addEventListener('submit', (event) => sendAction(form, event));
  }
  const submit = document.getElementById('submit-form');
  if (submit) submit.addEventListener('submit', (event) => submitJob(submit, event));
});
