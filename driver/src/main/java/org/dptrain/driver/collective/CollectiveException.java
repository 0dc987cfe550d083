package org.dptrain.driver.collective;

/**
 * A failure of the group: the message names this member (rank and label), the peer at fault
 * (its label, rank and address) and what happened (timeout after N s, peer closed the connection,
 * authentication failed, length mismatch, a member reported a failure). After one, the
 * {@link Collective} that threw it refuses every further call; close it.
 */
public final class CollectiveException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int peerRank;

  /**
   * @param message the full message
   * @param peerRank the rank of the member at fault, or -1 when no single member is (e.g. this
   *     member was closed)
   * @param cause the underlying I/O or crypto failure, or null
   */
  public CollectiveException(String message, int peerRank, Throwable cause) {
    super(message, cause);
    this.peerRank = peerRank;
  }

  /** The rank of the member at fault (the one that stopped answering, closed, or sent bad data), or -1. */
  public int peerRank() {
    return peerRank;
  }
}
