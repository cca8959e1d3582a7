/**
 * The coordinator: a small Raft group (Apache Ratis) whose replicated state machine holds partition
 * leases and their epochs, the site registry, coordinated conflict decisions, each site's applied
 * frontier and the blocks of key values handed to sites. {@link io.syncline.conflict.coordinator.CoordinatorPeer} runs one peer,
 * {@link io.syncline.conflict.coordinator.CoordinatorCluster} a whole group in one JVM (tests, the
 * embedded stack), and {@link io.syncline.conflict.coordinator.CoordinatorClient} is what sink tasks,
 * the CLI and the REST extension use.
 *
 * <p>Choices worth knowing:
 *
 * <ul>
 *   <li><b>Time is the client's.</b> Every lease command carries {@code nowMillis} from the
 *       proposing client's {@link java.time.Clock}; the state machine never reads a clock, so every
 *       peer applies the log to the same state. Clock skew between clients only shifts when a lease
 *       counts as expired (liveness); safety comes from the epoch, which a sink stores with every
 *       batch ({@code ... WHERE epoch <= :mine}), so a zombie cannot commit after a take-over.
 *   <li><b>Epochs only grow.</b> A new holder gets the previous epoch + 1; renewal and a holder's
 *       own re-acquire keep it; a release keeps the slot's epoch, so the next holder still gets a
 *       greater one.
 *   <li><b>An expired lease can be renewed</b> by its holder with its epoch as long as nobody took
 *       the partition meanwhile: a take-over would have raised the epoch, so no one else can have
 *       written under a newer one. A holder that was merely slow does not have to start over.
 *   <li><b>Holders are incarnations.</b> Use a holder id that is unique per task start (task id plus
 *       a random suffix): a restarted task with the same id would otherwise renew, not fence, its
 *       zombie's lease.
 *   <li><b>Decisions are first-wins.</b> A decision is recorded once under (group, idempotency key);
 *       every later proposal gets the recorded one back, so every site applies the same.
 *   <li><b>Key blocks are handed out once.</b> A block of a sequence starts above the caller's floor
 *       and above every block of that sequence handed out before, at any site; its request id is
 *       recorded with it, so a retried request (after a timeout or a leader change: the first attempt
 *       may have been committed) gets the same block back instead of a second one.
 *   <li><b>Bad commands never reach the log and never throw.</b> The leader refuses an undecodable or
 *       invalid command before appending it; one found in the log anyway fails its future and
 *       changes nothing, identically on every peer.
 *   <li><b>Snapshots replace the log.</b> Peers snapshot every {@code snapshotThreshold} entries and
 *       purge the log up to the snapshot even when a peer is down; a peer that comes back gets the
 *       leader's snapshot installed, then the entries after it.
 *   <li><b>Unavailability is bounded.</b> Without a majority an operation fails after the client's
 *       operation timeout (3 s by default) with
 *       {@link io.syncline.conflict.coordinator.CoordinatorUnavailableException}; leases already held
 *       stay valid until they expire. An operation that timed out may still take effect later.
 * </ul>
 */
package io.syncline.conflict.coordinator;
