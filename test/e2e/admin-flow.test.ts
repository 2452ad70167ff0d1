import type { BrowserContext, Page } from "playwright-core";
import { beforeEach, describe, expect, test } from "vitest";
import {
	api,
	createTeam,
	loginLink,
	origin,
	scim,
	screenshot,
	serverLog,
	useChromium,
} from "./harness";

/**
 * The admin page's main story in a real browser, one step per test, on one team: sign in with a
 * login link, turn SCIM on, generate a key, provision with it, see the result, regenerate with a
 * grace period, revoke the old key; and an invite accepted from its email link.
 */

const ADA = {
	schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
	userName: "ada@e2e.example",
	name: { givenName: "Ada", familyName: "Lovelace" },
	emails: [{ value: "ada@e2e.example", primary: true }],
};

const browser = useChromium();
let context: BrowserContext;
let page: Page;
let teamId: string;
let adminEmail: string;
const keys: { first?: string; second?: string } = {};

// The steps build on each other: after a failed one, the rest are skipped, not failed again.
let broken = false;
beforeEach((ctx) => {
	if (broken) {
		ctx.skip("an earlier step failed");
	}
	ctx.onTestFailed(() => {
		broken = true;
	});
});

describe("a team admin in Chromium", () => {
	test("signs in with a single-use login link and gets a __Host- session cookie", async () => {
		({ teamId, adminEmail } = await createTeam("Acme Robotics", ["saml"], "admin@acme.example"));
		context = await browser().newContext({ viewport: { width: 1200, height: 800 } });
		context.setDefaultTimeout(10_000);
		page = await context.newPage();
		const link = await loginLink(teamId, adminEmail);
		expect(link.startsWith(`${origin}/admin/login/`)).toBe(true);

		await page.goto(link);
		expect(await page.locator("main").innerText()).toContain(
			`Sign in to the admin page of Acme Robotics as ${adminEmail}.`,
		);
		await screenshot(page, "01-sign-in");
		await page.getByRole("button", { name: "Sign in" }).click();
		await page.waitForURL(`${origin}/admin`);
		expect(await page.title()).toBe("SCIM provisioning · scim-edge");
		expect(await page.locator("header").innerText()).toContain(`Signed in as ${adminEmail}`);

		const [cookie, ...others] = await context.cookies();
		expect(others).toEqual([]);
		expect(cookie).toMatchObject({
			name: "__Host-scim_admin",
			path: "/",
			secure: true,
			httpOnly: true,
			sameSite: "Lax",
		});

		// The link worked once.
		const again = await context.newPage();
		const res = await again.goto(link);
		expect(res?.status()).toBe(401);
		expect(await again.locator("main").innerText()).toContain("already used");
		await again.close();
	});

	test("turns SCIM on: the team has one SSO method and SCIM off", async () => {
		expect(await api("GET", `/teams/${teamId}`)).toMatchObject({ scimEnabled: false });
		const main = page.locator("main");
		expect(await main.innerText()).toContain("Exactly one SSO method is configured");
		expect(await page.locator(".status-off").innerText()).toBe("off");

		await page.getByRole("button", { name: "Turn SCIM on" }).click();
		await page.waitForURL(`${origin}/admin?notice=scim-on`);
		expect(await page.getByRole("status").first().innerText()).toContain("SCIM is on");
		expect(await page.locator(".status-on").innerText()).toBe("on");
		expect(await page.getByRole("link", { name: "Turn SCIM off…" }).isVisible()).toBe(true);
		expect(await api("GET", `/teams/${teamId}`)).toMatchObject({ scimEnabled: true });
		expect(await page.locator("#scim-base-url").innerText()).toBe(`${origin}/scim/v2`);
		await screenshot(page, "02-authentication");
	});

	test("generates a key on the keys page and is shown its token once", async () => {
		await nav(page, "SCIM keys").click();
		await page.waitForURL(`${origin}/admin/keys`);
		expect(await page.locator("main").innerText()).toContain("No SCIM keys yet.");

		await page.getByLabel("Name").fill("Okta production");
		await page.getByRole("button", { name: "Generate key" }).click();
		await page.waitForURL(`${origin}/admin/keys`);
		expect(await page.title()).toBe("New SCIM key · scim-edge");
		expect(await page.locator("main").innerText()).toContain("this is the only time it is shown");
		keys.first = (await page.locator("#new-key").innerText()).trim();
		expect(keys.first).toMatch(/^\S{32,}$/);
		// The copy button appears because the (nonce'd) script ran under the strict CSP.
		expect(await page.getByRole("button", { name: "Copy" }).isVisible()).toBe(true);
		await screenshot(page, "03-keys-token-shown-once");

		await page.getByRole("main").getByRole("link", { name: "SCIM keys" }).click();
		await page.waitForURL(`${origin}/admin/keys`);
		const list = await page.content();
		expect(list).not.toContain(keys.first);
		const row = page.locator("tbody tr");
		expect(await row.count()).toBe(1);
		expect(await row.innerText()).toContain("Okta production");
		expect(await row.locator(".status-active").innerText()).toBe("active");
	});

	test("the key provisions a user over /scim/v2", async () => {
		const res = await scim(keys.first as string, "POST", "/Users", ADA);
		expect(res.status).toBe(201);
		expect(await res.json()).toMatchObject({ userName: ADA.userName, active: true });
		const list = await scim(
			keys.first as string,
			"GET",
			`/Users?filter=userName eq "${ADA.userName}"`,
		);
		expect(await list.json()).toMatchObject({ totalResults: 1 });
	});

	test("the keys page shows the key's last use and identity provider", async () => {
		await page.reload();
		const row = page.locator("tbody tr");
		expect(await row.locator("td").nth(3).innerText()).toMatch(/UTC$/);
		expect(await row.locator("td").nth(4).innerText()).toBe("Okta");
		await screenshot(page, "04-keys-list");
	});

	test("the user appears in Members and in the provisioning log", async () => {
		await nav(page, "Members").click();
		await page.waitForURL(`${origin}/admin/members`);
		const members = page.locator("table").first();
		const ada = members.locator("tr", { hasText: ADA.userName });
		expect(await ada.innerText()).toContain("Ada Lovelace");
		expect(await ada.innerText()).toContain("developer");
		expect(await members.locator("tr", { hasText: adminEmail }).innerText()).toContain("you");
		await screenshot(page, "05-members");

		await nav(page, "Provisioning log").click();
		await page.waitForURL(`${origin}/admin/log`);
		const rows = page.locator("tbody tr");
		const created = rows.filter({ hasText: "ada@e2e.example" }).first();
		expect(await created.innerText()).toContain("SCIM key Okta production");
		expect(await created.innerText()).toContain("user.create");
		// Only the outcome: the logged status of a create is 200 although the answer was 201.
		expect(await created.innerText()).toMatch(/\bsuccess \(2\d\d\)/);
		expect(await rows.filter({ hasText: `admin ${adminEmail}` }).count()).toBeGreaterThanOrEqual(2);
		await screenshot(page, "06-provisioning-log");
	});

	test("regenerates the key with a 1 hour grace period: both keys work", async () => {
		await nav(page, "SCIM keys").click();
		await page.waitForURL(`${origin}/admin/keys`);
		await page.getByLabel("Grace").selectOption({ label: "1 hour" });
		await page.getByRole("button", { name: "Regenerate" }).click();
		await page.waitForURL(/\/admin\/keys\/[^/]+\/regenerate$/);
		expect(await page.title()).toBe("Regenerated SCIM key · scim-edge");
		expect(await page.locator("main").innerText()).toContain(
			"The old key keeps working for 1 hour",
		);
		keys.second = (await page.locator("#new-key").innerText()).trim();
		expect(keys.second).not.toBe(keys.first);
		await screenshot(page, "07-keys-regenerated");

		for (const token of [keys.first, keys.second]) {
			const res = await scim(token as string, "GET", "/Users");
			expect(res.status).toBe(200);
		}

		await page.goto(`${origin}/admin/keys`);
		expect(await page.locator("tbody tr").count()).toBe(2);
		expect(await page.locator(".status-expiring").innerText()).toMatch(
			/^expiring at .* UTC\s+replaced by a new key$/,
		);
		// A key already being replaced offers no second Regenerate.
		expect(await page.getByRole("button", { name: "Regenerate" }).count()).toBe(1);
		expect(await page.locator(".status-active").count()).toBe(1);
		await screenshot(page, "08-keys-list-with-grace");
	});

	test("revokes the old key after a confirmation step: it gets 401, the new one works", async () => {
		const oldRow = page.locator("tbody tr", { has: page.locator(".status-expiring") });
		await oldRow.getByRole("link", { name: "Revoke…" }).click();
		await page.waitForURL(/\/admin\/keys\/[^/]+\/revoke$/);
		expect(await page.locator("main").innerText()).toContain("Revoke the key “Okta production”");
		await screenshot(page, "09-revoke-confirm");

		// Without the tick the browser does not send the form (the checkbox is required).
		await page.getByRole("button", { name: "Revoke key" }).click();
		expect(page.url()).toMatch(/\/revoke$/);
		expect(await page.locator('input[name="confirm"]:invalid').count()).toBe(1);
		expect((await scim(keys.first as string, "GET", "/Users")).status).toBe(200);

		await page.getByRole("checkbox").check();
		await page.getByRole("button", { name: "Revoke key" }).click();
		await page.waitForURL(`${origin}/admin/keys?notice=key-revoked`);
		expect(await page.getByRole("status").first().innerText()).toContain("no longer works");
		// The notice links to where the revoked key now is: folded away under the live ones.
		await page.getByRole("status").getByRole("link", { name: "Revoked and expired keys" }).click();
		await page.locator("#old-keys summary").click();
		expect(await page.locator(".status-revoked").innerText()).toMatch(/^revoked /);

		const old = await scim(keys.first as string, "GET", "/Users");
		expect(old.status).toBe(401);
		expect(old.headers.get("content-type")).toContain("application/scim+json");
		expect((await scim(keys.second as string, "GET", "/Users")).status).toBe(200);
		await screenshot(page, "10-keys-after-revoke");
	});

	test("an account from elsewhere gets an invite it accepts from the email's link", async () => {
		// bob has an account (an admin of another team), so provisioning him here invites him.
		await createTeam("Other Co", ["oidc"], "bob@other.example");
		const res = await scim(keys.second as string, "POST", "/Users", {
			...ADA,
			userName: "bob@other.example",
			name: { givenName: "Bob", familyName: "Builder" },
			emails: [{ value: "bob@other.example", primary: true }],
		});
		expect(res.status).toBe(201);

		await page.goto(`${origin}/admin/members`);
		const invite = page.locator("tr", { hasText: "bob@other.example" });
		expect(await invite.innerText()).toContain("pending");
		await screenshot(page, "11-members-with-invite");

		// No mail transport in local dev: the admin page shows the accept link (never the log).
		const url = await eventually(async () => {
			await page.reload();
			return (await invite.getByRole("link", { name: "invite link" }).count()) > 0
				? ((await invite.getByRole("link", { name: "invite link" }).getAttribute("href")) ??
						undefined)
				: undefined;
		});
		expect(serverLog()).toContain("invite email to bob@other.example not sent");
		expect(serverLog()).not.toContain(String(url));
		const invitee = await browser().newPage({ viewport: { width: 1200, height: 800 } });
		await invitee.goto(url);
		expect(await invitee.locator("h1").innerText()).toBe("You're invited to join Acme Robotics");
		await screenshot(invitee, "12-invite-accept");
		await invitee.getByRole("button", { name: "Accept and join Acme Robotics" }).click();
		await invitee.waitForLoadState();
		expect(await invitee.locator("h1").innerText()).toBe("You joined Acme Robotics");
		await invitee.close();

		await page.reload();
		const bob = page.locator("table").first().locator("tr", { hasText: "bob@other.example" });
		expect(await bob.innerText()).toContain("developer");
		expect(await page.locator("main").innerText()).toContain("No open invites.");
	});
});

/** A link of the admin page's navigation bar. */
function nav(page: Page, label: string) {
	return page.getByRole("navigation").getByRole("link", { name: label, exact: true });
}

/** Polls `get` until it returns a value (10 s at most). */
async function eventually<T>(get: () => T | undefined | Promise<T | undefined>): Promise<T> {
	for (let i = 0; i < 100; i++) {
		const value = await get();
		if (value !== undefined) {
			return value;
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(
		`Nothing turned up within 10 s. End of the server log:\n${serverLog().slice(-2000)}`,
	);
}
