// Reads the emulator's own ARM REST API, so the e2e test compares the tree against what the emulator really holds
// instead of a hard-coded list.

const API = '2025-12-01';

/** The emulator's default subscription (its `--workspace` default); AMLC_E2E_SUBSCRIPTION overrides it. */
const DEFAULT_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

/** The seeded workspace: AMLC_E2E_WORKSPACE=sub/rg/ws, else the first workspace the emulator lists in the subscription. */
export async function discoverWorkspace(base) {
  const env = process.env.AMLC_E2E_WORKSPACE;
  if (env) {
    const [subscriptionId, resourceGroup, workspaceName] = env.split('/');
    return { subscriptionId, resourceGroup, workspaceName };
  }
  const subscriptionId = process.env.AMLC_E2E_SUBSCRIPTION ?? DEFAULT_SUBSCRIPTION;
  const wss = await getJson(
    `${base}/subscriptions/${subscriptionId}/providers/Microsoft.MachineLearningServices/workspaces?api-version=${API}`,
  );
  for (const w of wss.value ?? []) {
    // /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{name}
    const parts = String(w.id ?? '').split('/');
    if (parts.length >= 9) return { subscriptionId, resourceGroup: parts[4], workspaceName: w.name ?? parts[8] };
  }
  throw new Error(`the emulator lists no workspace in subscription ${subscriptionId}`);
}

async function getJson(url) {
  const r = await fetch(url, { headers: { authorization: 'Bearer e2e' } });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}

/** Every compute in the workspace as { name, computeType, state }. */
export async function listComputes(base, ws) {
  const scope = ws
    ? `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ws.workspaceName}`
    : '';
  let url = `${base}${scope}/computes?api-version=${API}`;
  const out = [];
  while (url) {
    const page = await getJson(url);
    for (const c of page.value ?? []) {
      out.push({ name: c.name, computeType: c.properties?.computeType, state: c.properties?.properties?.state ?? null });
    }
    url = page.nextLink ?? null;
  }
  return out;
}

/** PUTs a small AmlCompute cluster into a workspace (ARM accepts it at once; provisioning goes on in the emulator). */
export async function createCluster(base, ws, name) {
  const url = `${base}/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ws.workspaceName}/computes/${name}?api-version=${API}`;
  const body = {
    location: ws.location ?? 'eastus',
    properties: {
      computeType: 'AmlCompute',
      properties: { vmSize: 'STANDARD_DS3_V2', vmPriority: 'Dedicated', scaleSettings: { minNodeCount: 0, maxNodeCount: 1 } },
    },
  };
  const r = await fetch(url, {
    method: 'PUT',
    headers: { authorization: 'Bearer e2e', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (r.status !== 200 && r.status !== 201) throw new Error(`PUT ${name}: HTTP ${r.status} ${await r.text()}`);
}
