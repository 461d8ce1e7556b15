// Reads the emulator's own ARM REST API, so the e2e test compares the tree against what the emulator really holds
// instead of a hard-coded list.

const API = '2025-12-01';

/** The seeded workspace: AMLC_E2E_WORKSPACE=sub/rg/ws, else the first workspace the emulator lists. */
export async function discoverWorkspace(base) {
  const env = process.env.AMLC_E2E_WORKSPACE;
  if (env) {
    const [subscriptionId, resourceGroup, workspaceName] = env.split('/');
    return { subscriptionId, resourceGroup, workspaceName };
  }
  const subs = await getJson(`${base}/subscriptions?api-version=2022-12-01`).catch(() => null);
  for (const s of subs?.value ?? []) {
    const subscriptionId = s.subscriptionId ?? String(s.id ?? '').split('/')[2];
    const wss = await getJson(
      `${base}/subscriptions/${subscriptionId}/providers/Microsoft.MachineLearningServices/workspaces?api-version=${API}`,
    ).catch(() => null);
    for (const w of wss?.value ?? []) {
      const parts = String(w.id ?? '').split('/');
      return { subscriptionId, resourceGroup: parts[4], workspaceName: w.name ?? parts[8] };
    }
  }
  return null;
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
