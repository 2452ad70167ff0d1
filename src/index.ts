import { Hono } from "hono";
import { adminApp } from "./admin/app";
import { serviceApi } from "./api/service-api";
import type { AppEnv } from "./env";
import { handleError, handleNotFound } from "./http/errors";
import { dbMiddleware } from "./http/middleware/db";
import { securityHeaders } from "./http/middleware/security-headers";
import { routingPath, scimPathGate } from "./http/paths";
import { scimApp } from "./http/scim-app";
import { invitesApp } from "./invites/routes";

export { TeamDO } from "./team/team-do";

const app = new Hono<AppEnv>({ getPath: routingPath });

app.use("*", securityHeaders);
app.use("*", dbMiddleware);
app.use("*", scimPathGate);
app.route("/scim/v2", scimApp);
app.route("/api/v1", serviceApi);
app.route("/invites", invitesApp);
app.route("/admin", adminApp);
app.get("/", (c) => c.text("scim-edge: SCIM 2.0 provisioning. SCIM base URL: /scim/v2"));
// Liveness, and how `npm start` tells scim-edge from another program on its port.
app.get("/healthz", (c) => c.json({ service: "scim-edge", status: "ok" }));

app.onError(handleError);
app.notFound(handleNotFound);

export default app;
