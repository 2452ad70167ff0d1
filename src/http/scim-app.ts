import { Hono } from "hono/tiny";
import type { AppEnv } from "../env";
import { scimErrors } from "../scim/errors";
import { bulkApp } from "./bulk";
import { discoveryApp } from "./discovery";
import { handleScimError } from "./errors";
import { groupsApp } from "./groups";
import { scimRateLimit } from "./middleware/rate-limit";
import { scimAuth } from "./middleware/scim-auth";
import { rejectRepeatedQueryParams } from "./params";
import { searchApp } from "./search";
import { usersApp } from "./users";

/** The SCIM 2.0 service provider, mounted at /scim/v2. Every route needs a SCIM key. */
export const scimApp = new Hono<AppEnv>();

scimApp.onError(handleScimError);

scimApp.use("*", scimAuth, scimRateLimit);
scimApp.use("*", async (c, next) => {
	rejectRepeatedQueryParams(c.req.url);
	await next();
});
scimApp.route("/Users", usersApp);
scimApp.route("/Groups", groupsApp);
scimApp.route("/Bulk", bulkApp);
scimApp.route("/", searchApp);
scimApp.route("/", discoveryApp);

// RFC 7644 §3.11: a provider without /Me answers 501. A SCIM key authenticates an identity
// provider, never a person, so there is no "me" to resolve.
const meNotSupported = () => {
	throw scimErrors.notImplemented(
		"/Me is not supported: SCIM keys authenticate an identity provider, not a user.",
	);
};
scimApp.all("/Me", meNotSupported);
scimApp.all("/Me/*", meNotSupported);
