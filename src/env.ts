import type { Db } from "./db/client";
import type { KeyCredential } from "./keys/auth";

/**
 * The SCIM caller: the team its key belongs to, and the key. `unverified` holds the presented
 * credential until the key row has been read and checked, which a read does in the same D1
 * batch as its data (src/http/middleware/scim-auth.ts); null once it has been.
 */
export interface ScimCaller {
	teamId: string;
	keyId: string;
	unverified: KeyCredential | null;
}

/** Hono's environment for every route: the Worker bindings and per-request variables. */
export interface AppEnv {
	Bindings: Env;
	Variables: { db: Db; scimCaller: ScimCaller };
}
