import type { Db } from "./db/client";

/** The SCIM caller, known once its key is verified. */
export interface ScimCaller {
	teamId: string;
	keyId: string;
}

/** Hono's environment for every route: the Worker bindings and per-request variables. */
export interface AppEnv {
	Bindings: Env;
	Variables: { db: Db; scimCaller: ScimCaller };
}
