import { eq } from "drizzle-orm";
import type { Db } from "./client";
import { type AdminLoginLinkRow, adminLoginLinks } from "./schema";

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
