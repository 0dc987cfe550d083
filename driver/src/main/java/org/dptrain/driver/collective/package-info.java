/**
 * The collective that the tasks of a barrier stage use to sum their gradients among themselves,
 * without the driver: plain Java over TCP, no Spark types, tested in one JVM.
 *
 * <p>{@link org.dptrain.driver.collective.Collective#listen} binds a member's socket, {@link
 * org.dptrain.driver.collective.Collective.Pending#connect} joins the group once every member's
 * address is known, and the calls ({@code sumInOrder}, {@code broadcast}, {@code barrier}) are
 * made in the same order on every member.
 *
 * <p>Conventions that hold inside: the summation order of every element is fixed by the position
 * of each part in the global sequence (rank 0's parts, then rank 1's, ...), never by arrival, so
 * results are bit-identical on every member and run to run; every connection proves it holds the
 * group key before it carries data (HMAC-SHA256 challenge-response both ways); with encryption
 * every frame is AES-GCM sealed under a per-connection key derived by HKDF-SHA256; every wait on
 * a peer is bounded by the group's timeout and every failure is a {@link
 * org.dptrain.driver.collective.CollectiveException} naming the member at fault; threads started
 * here are daemon threads, ended by {@code close()}.
 */
package org.dptrain.driver.collective;
