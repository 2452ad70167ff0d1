import { Hono } from "hono";

export { TeamDO } from "./team/team-do";

const app = new Hono<{ Bindings: Env }>();
app.get("/", (c) => c.text("scim-edge"));
export default app;
