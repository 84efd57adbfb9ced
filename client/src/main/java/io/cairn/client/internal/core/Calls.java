package io.cairn.client.internal.core;

import io.cairn.client.NodeUnavailableException;
import io.cairn.client.RequestTimeoutException;
import io.cairn.client.UnknownOutcomeException;
import io.cairn.client.internal.net.Backoff;
import io.cairn.client.internal.net.ChannelSource;
import io.cairn.client.internal.net.Exchange;
import io.cairn.client.internal.net.NodeChannel;
import io.cairn.client.protocol.ErrorCode;
import io.cairn.client.protocol.RequestBody;
import io.cairn.client.protocol.ResponseBody;
import io.cairn.eventstore.CairnException;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.StoreClosedException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;

/**
 * Runs calls: one request, sent again after retryable failures with exponential backoff
 * ({@code retry.backoff.ms} to {@code retry.backoff.max.ms}) until {@code delivery.timeout.ms} has passed
 * since the call, following a {@link RetryRule}. A call's future completes with the response body when its
 * error code is NONE; a node error becomes the exception of docs/protocol.md
 * ({@link ErrorCode#toException}). Partition-level errors inside a body are the caller's to read.
 *
 * <p>Retries: {@link ErrorCode#CONNECTION_LIMIT_REACHED} and an exchange never written are always retried
 * (nothing reached the node). With {@link RetryRule#ALWAYS}, retryable codes, lost connections and timeouts
 * are retried too. With {@link RetryRule#IF_NOT_SENT} a lost answer fails the call with
 * {@link UnknownOutcomeException}, and retryable node errors are reported as they are.
 *
 * <p>Thread-safety: {@link #call} may be called from any thread (the request is encoded there); attempts run
 * on the client's context; the future completes on the caller's context.
 */
public final class Calls {

  private final Vertx vertx;
  private final Context context;
  private final String clientId;
  private final Backoff retryBackoff;
  private final int requestTimeoutMs;
  private final long deliveryTimeoutMs;
  private final BooleanSupplier closed;

  /**
   * @param closed whether the client is closed: calls then fail with {@link StoreClosedException} instead
   *               of being retried
   */
  public Calls(Vertx vertx, Context context, String clientId, Backoff retryBackoff, int requestTimeoutMs,
               long deliveryTimeoutMs, BooleanSupplier closed) {
    this.vertx = vertx;
    this.context = context;
    this.clientId = clientId;
    this.retryBackoff = retryBackoff;
    this.requestTimeoutMs = requestTimeoutMs;
    this.deliveryTimeoutMs = deliveryTimeoutMs;
    this.closed = closed;
  }

  /**
   * Sends {@code request} through channels of {@code source}, retrying per {@code rule}. {@code extraWaitMs}
   * is added to {@code request.timeout.ms} for each attempt (a long poll's wait).
   */
  public <R extends ResponseBody> Future<R> call(ChannelSource source, RequestBody request, RetryRule rule,
                                                 long extraWaitMs) {
    return start(source, request, rule, extraWaitMs, false);
  }

  /** As {@link #call}, but an attempt fails as soon as every node address refused a connection. */
  public <R extends ResponseBody> Future<R> callFailFast(ChannelSource source, RequestBody request) {
    return start(source, request, RetryRule.ALWAYS, 0, true);
  }

  private <R extends ResponseBody> Future<R> start(ChannelSource source, RequestBody request, RetryRule rule,
                                                   long extraWaitMs, boolean failFast) {
    Promise<R> result = CallerContext.promise();
    if (closed.getAsBoolean()) {
      result.fail(new StoreClosedException("client"));
      return result.future();
    }
    Exchange first;
    try {
      first = encode(request, extraWaitMs, failFast);
    } catch (CairnException e) {
      result.fail(e);
      return result.future();
    }
    Call<R> call = new Call<>(source, request, rule, extraWaitMs, failFast, result);
    CallerContext.runOn(context, () -> call.attempt(first));
    return result.future();
  }

  private Exchange encode(RequestBody request, long extraWaitMs, boolean failFast) {
    Exchange exchange;
    try {
      exchange = Exchange.of(request, clientId, requestTimeoutMs + Math.max(0, extraWaitMs));
    } catch (IllegalArgumentException e) {
      String message = e.getMessage() == null ? "" : e.getMessage();
      int end = message.indexOf(" is ");
      throw new InvalidInputException(end > 0 ? message.substring(0, end) : request.apiKey().apiName(),
          "(not sent)", message);
    }
    return failFast ? exchange.failFast() : exchange;
  }

  /** One call's attempts; client context only. */
  private final class Call<R extends ResponseBody> {
    private final ChannelSource source;
    private final RequestBody request;
    private final RetryRule rule;
    private final long extraWaitMs;
    private final boolean failFast;
    private final Promise<R> result;
    private final long deadlineNanos;
    private int failures;

    Call(ChannelSource source, RequestBody request, RetryRule rule, long extraWaitMs, boolean failFast,
         Promise<R> result) {
      this.source = source;
      this.request = request;
      this.rule = rule;
      this.extraWaitMs = extraWaitMs;
      this.failFast = failFast;
      this.result = result;
      this.deadlineNanos = System.nanoTime() + deliveryTimeoutMs * 1_000_000L;
    }

    void attempt(Exchange exchange) {
      if (closed.getAsBoolean()) {
        result.tryFail(new StoreClosedException("client"));
        return;
      }
      NodeChannel channel = source.acquire();
      channel.send(exchange);
      exchange.response().onComplete(outcome -> {
        source.release(channel);
        handle(exchange, outcome);
      });
    }

    @SuppressWarnings("unchecked")
    private void handle(Exchange exchange, AsyncResult<ResponseBody> outcome) {
      if (outcome.succeeded()) {
        ResponseBody body = outcome.result();
        if (!body.isError()) {
          result.tryComplete((R) body);
          return;
        }
        ErrorCode code = body.errorCode();
        CairnException error = code.toException(body.errorMessage());
        boolean retry = code == ErrorCode.CONNECTION_LIMIT_REACHED || (code.retryable() && rule == RetryRule.ALWAYS);
        if (retry) {
          retryOrFail(error);
        } else {
          result.tryFail(error);
        }
        return;
      }
      Throwable failure = outcome.cause();
      boolean transport = failure instanceof NodeUnavailableException || failure instanceof RequestTimeoutException;
      if (!transport || closed.getAsBoolean()) {
        result.tryFail(failure);
      } else if (!exchange.written() || rule == RetryRule.ALWAYS) {
        retryOrFail(failure);
      } else {
        result.tryFail(new UnknownOutcomeException(request.apiKey().apiName() + " was sent but its answer was lost ("
            + failure.getMessage() + "); it may or may not have taken effect, and is not sent again automatically "
            + "because a second copy could take effect twice", failure));
      }
    }

    private void retryOrFail(Throwable failure) {
      long delayMs = retryBackoff.delayMs(failures++);
      if (failFast || System.nanoTime() + delayMs * 1_000_000L - deadlineNanos >= 0) {
        result.tryFail(failure);
        return;
      }
      vertx.setTimer(Math.max(1, delayMs), ignored -> {
        Exchange next;
        try {
          next = encode(request, extraWaitMs, false);
        } catch (CairnException e) {
          result.tryFail(e);
          return;
        }
        attempt(next);
      });
    }
  }
}
