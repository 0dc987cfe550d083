package org.dptrain.driver.collective;

import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * The thread that writes a member's outgoing link, so the member's own thread never blocks on a
 * send (with blocking sockets, ranks that all send at once into full buffers would deadlock).
 * Frames go out in the order they were queued. While the member is inside a collective call and
 * the queue stays empty for a keep-alive interval, it sends a keep-alive frame: the successor,
 * which is waiting on this link, then knows this member is alive and in the call, so only a
 * member that really stops answering is blamed for a timeout.
 */
final class Sender implements Runnable {
  private record Item(java.nio.ByteBuffer frame, boolean pooled) {}

  private static final Item STOP = new Item(java.nio.ByteBuffer.allocate(0), false);

  private final Wire.Writer writer;
  private final Wire.Pool pool;
  private final long keepAliveNanos;
  private final LinkedBlockingDeque<Item> queue = new LinkedBlockingDeque<>();
  private final Thread thread;
  private final Object lock = new Object();
  private long queued;
  private long written;
  private long lastProgress = System.nanoTime();
  private volatile Throwable error;
  private volatile int seq;
  private volatile boolean inCall;
  private volatile long bytes;

  Sender(Wire.Writer writer, Wire.Pool pool, long keepAliveNanos, String name) {
    this.writer = writer;
    this.pool = pool;
    this.keepAliveNanos = keepAliveNanos;
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Marks the member as inside call {@code seq} (keep-alives flow) or outside (they stop). */
  void inCall(int seq, boolean in) {
    this.seq = seq;
    this.inCall = in;
  }

  /** The failure that stopped this thread, or null. */
  Throwable error() {
    return error;
  }

  long bytes() {
    return bytes;
  }

  /** Queues a frame; a pool buffer goes back to the pool once written. */
  void send(java.nio.ByteBuffer frame, boolean pooled) {
    synchronized (lock) {
      if (written == queued) {
        lastProgress = System.nanoTime();
      }
      queued++;
    }
    queue.offer(new Item(frame, pooled));
  }

  /** Drops what is queued and sends {@code frame} next: a failure report must not wait behind data. */
  void sendFirst(java.nio.ByteBuffer frame) {
    Item item;
    while ((item = queue.pollFirst()) != null) {
      if (item == STOP) {
        queue.offerFirst(STOP);
        return;
      }
      release(item);
      synchronized (lock) {
        written++;
      }
    }
    synchronized (lock) {
      if (written == queued) {
        lastProgress = System.nanoTime();
      }
      queued++;
    }
    queue.offerFirst(new Item(frame, false));
  }

  /**
   * Waits until every queued frame is written.
   *
   * @return true when done; false when no frame was written for {@code stallNanos} (the successor
   *     stopped reading); a failed write ends the wait at once (see {@link #error()})
   */
  boolean awaitWritten(long stallNanos) throws InterruptedException {
    synchronized (lock) {
      while (written < queued && error == null) {
        long idle = System.nanoTime() - lastProgress;
        if (idle >= stallNanos) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, Math.min(stallNanos - idle, keepAliveNanos));
      }
      return error == null;
    }
  }

  /** Stops the thread; the caller closes the socket, which ends a blocked write. */
  void stop() {
    queue.offerFirst(STOP);
    thread.interrupt();
  }

  @Override
  public void run() {
    try {
      while (true) {
        Item item = queue.poll(keepAliveNanos, TimeUnit.NANOSECONDS);
        if (item == STOP) {
          return;
        }
        if (item == null) {
          if (inCall) {
            java.nio.ByteBuffer k = java.nio.ByteBuffer.allocate(Wire.HEADER_BYTES)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            Wire.header(k, Wire.KEEP_ALIVE, seq, 0, 0, 0, 0, 0);
            writer.write(k);
            bytes = writer.bytes;
          }
          continue;
        }
        writer.write(item.frame());
        bytes = writer.bytes;
        release(item);
        synchronized (lock) {
          written++;
          lastProgress = System.nanoTime();
          lock.notifyAll();
        }
      }
    } catch (InterruptedException e) {
      // stop(): the member is closing
    } catch (Exception e) {
      synchronized (lock) {
        error = e;
        lock.notifyAll();
      }
    }
  }

  private void release(Item item) {
    if (item.pooled()) {
      pool.give(item.frame());
    }
  }
}
