import type { Db } from "../db/client";
import { deliverEmail, deliveryMode, mailConfig } from "./delivery";
import { nextDueAt, recordAttempt, takeDueEmails } from "./outbox";

const TEAM_ID_KEY = "teamId";
/** How long after its start an object whose alarm was lost checks its outbox. */
const RESTORE_CHECK_MS = 30_000;

/**
 * Drives a team's outbox from its Durable Object's alarm. The object's own storage holds only
 * the team id and the alarm; every email's state lives in D1. The alarm is armed whenever mail
 * is queued, re-armed by every run while pending emails remain, and armed for a check when the
 * object starts without one, so an email survives failed deliveries, restarts, evictions and a
 * crash between the batch that queued it and the alarm. Arming never reads D1: an alarm that
 * fires early finds nothing due and re-arms for the earliest pending email, so no write waits
 * for a D1 round trip of the outbox's.
 */
export class OutboxAlarm {
	private teamId: string | null = null;
	private draining: Promise<unknown> = Promise.resolve();

	constructor(
		private readonly state: DurableObjectState,
		private readonly env: Env,
		private readonly db: Db,
		/** The object's write queue: outbox rows change through it like every other write. */
		private readonly serialize: <T>(operation: () => Promise<T>) => Promise<T>,
	) {}

	/**
	 * At object start (inside blockConcurrencyWhile): for a team that has queued mail and has no
	 * alarm, a check after RESTORE_CHECK_MS, by then past the writes that woke the object.
	 */
	async restore(): Promise<void> {
		this.teamId = (await this.state.storage.get<string>(TEAM_ID_KEY)) ?? null;
		if (this.teamId !== null) {
			await this.armBy(Date.now() + RESTORE_CHECK_MS);
		}
	}

	/** After a write that may have queued mail, due now: remembers the team and arms the alarm. */
	async queued(teamId: string): Promise<void> {
		if (this.teamId !== teamId) {
			this.teamId = teamId;
			await this.state.storage.put(TEAM_ID_KEY, teamId);
		}
		await this.armBy(Date.now());
	}

	/** The alarm: one drain at a time; a drain asked for during another runs after it. */
	async run(): Promise<void> {
		// The object is TEAM.idFromName(teamId), so its id's name is the team id as well.
		const teamId =
			this.teamId ??
			(await this.state.storage.get<string>(TEAM_ID_KEY)) ??
			this.state.id.name ??
			null;
		if (teamId === null) {
			return;
		}
		this.teamId = teamId;
		const run = this.draining.then(() => this.drain(teamId));
		this.draining = run.catch(() => undefined);
		await run;
	}

	private async drain(teamId: string): Promise<void> {
		const config = mailConfig(this.env);
		const { emails, more } = await this.serialize(() =>
			takeDueEmails(this.db, teamId, new Date().toISOString()),
		);
		for (const email of emails) {
			// Outside the queue: other writes of the team go on while the transport answers.
			const outcome = await deliverEmail(config, email);
			if (!outcome.ok) {
				console.warn(`invite email ${email.id} (team ${teamId}) not delivered: ${outcome.error}`);
			}
			await this.serialize(() =>
				recordAttempt(
					this.db,
					email,
					outcome,
					new Date().toISOString(),
					Math.random(),
					deliveryMode(config) === "log",
				),
			);
		}
		if (more) {
			await this.state.storage.setAlarm(Date.now());
		} else {
			await this.arm(teamId);
		}
	}

	/** Sets the alarm for the earliest pending email, as the running alarm is spent. */
	private async arm(teamId: string): Promise<void> {
		const next = await nextDueAt(this.db, teamId);
		if (next !== null) {
			await this.state.storage.setAlarm(Math.max(Date.parse(next), Date.now()));
		}
	}

	/** Sets the alarm for `at` unless one is set already for no later. */
	private async armBy(at: number): Promise<void> {
		const current = await this.state.storage.getAlarm();
		if (current === null || current > at) {
			await this.state.storage.setAlarm(at);
		}
	}
}
