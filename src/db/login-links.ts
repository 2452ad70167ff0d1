import { eq } from "drizzle-orm";
import type { Db } from "./client";
import { type AdminLoginLinkRow, adminLoginLinks, endedAdminSessions } from "./schema";

/** The login link stored under this token hash, or null. */
export async function getLoginLink(db: Db, tokenHash: string): Promise<AdminLoginLinkRow | null> {
	return (
		(await db
			.select()
			.from(adminLoginLinks)
			.where(eq(adminLoginLinks.tokenHash, tokenHash))
			.get()) ?? null
	);
}

/** Whether this admin session was ended by signing out. */
export async function isAdminSessionEnded(db: Db, sessionId: string): Promise<boolean> {
	const row = await db
		.select({ sessionId: endedAdminSessions.sessionId })
		.from(endedAdminSessions)
		.where(eq(endedAdminSessions.sessionId, sessionId))
		.get();
	return row !== undefined;
}
