// The key dialog's fields and a key's body for POST /admin/keys and PATCH /admin/keys/{id} (SPEC §13).
// On an edit every policy field is sent: an emptied field is null, which clears it on the gateway.
import { jsonNumber } from '../api.js';
import { toLocalInput } from '../filters.js';
import * as check from './validate.js';

/** The gateway's own bounds (KeyPolicyInput): past them a number is a typo, not a limit. */
const MAX_RPM = 1_000_000_000;
const MAX_TPM = 1_000_000_000_000;

/** Fills the form from a key, or empties it for a new one. */
export function fillKeyForm(form, key) {
  form.reset();
  const e = form.elements;
  e.account_id.disabled = Boolean(key);
  if (!key) return;
  e.account_id.value = key.account_id;
  e.name.value = key.name;
  e.group.value = key.group;
  e.expires_at.value = toLocalInput(key.expires_at);
  e.models.value = key.models.join(', ');
  e.budget.value = key.budget ?? '';
  e.budget_period.value = key.budget_period;
  e.rpm.value = key.rpm ?? '';
  e.tpm.value = key.tpm ?? '';
  e.ip_allowlist.value = key.ip_allowlist.join(', ');
}

/** The body to send; throws FieldError naming the first field that is not right. */
export function readKeyForm(form, key) {
  const e = form.elements;
  const body = {};
  if (!key) body.account_id = check.whole(e.account_id, { required: true, min: 1 });
  body.name = check.text(e.name, { required: true });
  const group = check.text(e.group);
  if (group) body.group = group;
  // An expiry left as it was is sent back as it was: an expired key can still be edited otherwise.
  const unchanged = key && e.expires_at.value === toLocalInput(key.expires_at);
  body.expires_at = unchanged ? key.expires_at : check.futureTime(e.expires_at);
  body.models = check.list(e.models);
  body.budget = jsonNumber(check.usd(e.budget));
  body.budget_period = e.budget_period.value;
  body.rpm = check.whole(e.rpm, { max: MAX_RPM });
  body.tpm = check.whole(e.tpm, { max: MAX_TPM });
  body.ip_allowlist = check.cidrs(e.ip_allowlist);
  return body;
}
