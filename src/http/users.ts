import { Hono } from "hono";
import type { AppEnv } from "../env";

/** /Users (RFC 7644 §3). */
export const usersApp = new Hono<AppEnv>();
