// Answers the server's `amlc/getToken` with VS Code's Microsoft sign-in. Pure (the session getter is passed in),
// so the unit tests check the scope asked for, when a sign-in may pop up, and that the token reaches no log or error.

import { tokenExpiry } from './choices';
import type { AuthMode, GetTokenParams, GetTokenResult } from './lsp_ext';

/** The Azure Resource Manager scope: the only one the server needs. */
export const ARM_SCOPE = 'https://management.azure.com/.default';

export interface SessionLike {
  accessToken: string;
  account: { label: string };
}

export type GetSession = (
  providerId: 'microsoft',
  scopes: string[],
  options: { createIfNone?: boolean; silent?: boolean },
) => Promise<SessionLike | undefined>;

export type TokenAnswer = { result: GetTokenResult } | { error: string };

/** Only `.default` scopes of https resources are passed on; anything else falls back to the ARM scope. */
export function tokenScopes(params: GetTokenParams | undefined): string[] {
  const asked = Array.isArray(params?.scopes) ? params.scopes.filter((s) => typeof s === 'string') : [];
  const ok = asked.filter((s) => /^https:\/\/[^\s/]+\/\.default$/.test(s));
  return ok.length ? ok : [ARM_SCOPE];
}

/**
 * The answer to `amlc/getToken`. With `auth: vscode` a sign-in may be shown; otherwise (auto) only a silent
 * look-up, so a background request never pops up a dialog. `log` gets the account and scopes, never the token.
 */
export async function answerGetToken(
  params: GetTokenParams | undefined,
  auth: AuthMode,
  getSession: GetSession,
  log: (line: string) => void,
  nowSeconds: number,
): Promise<TokenAnswer> {
  const scopes = tokenScopes(params);
  const options = auth === 'vscode' ? { createIfNone: true } : { silent: true };
  let session: SessionLike | undefined;
  try {
    session = await getSession('microsoft', scopes, options);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    log(`amlc/getToken for ${scopes.join(' ')}: the sign-in failed: ${reason}`);
    return { error: `VS Code sign-in failed: ${reason}` };
  }
  if (!session || typeof session.accessToken !== 'string' || !session.accessToken) {
    log(`amlc/getToken for ${scopes.join(' ')}: no Microsoft account signed in`);
    return { error: 'No Microsoft account is signed in to VS Code ("Azure ML: Sign In with Microsoft").' };
  }
  const expiresOnUnixSeconds = tokenExpiry(session.accessToken, nowSeconds);
  log(`amlc/getToken for ${scopes.join(' ')}: token of ${session.account?.label ?? 'the signed-in account'}, valid until ${new Date(expiresOnUnixSeconds * 1000).toISOString()}`);
  return { result: { token: session.accessToken, expiresOnUnixSeconds } };
}
