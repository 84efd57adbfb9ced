package io.cairn.client;

import io.cairn.eventstore.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a node's binary protocol listens: a host name or IP address and a port.
 *
 * @param host host name or IP address (an IPv6 address is given without brackets)
 * @param port TCP port, 1 to 65535
 */
public record NodeAddress(String host, int port) {

  /** Largest TCP port. */
  public static final int MAX_PORT = 65_535;

  public NodeAddress {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new InvalidInputException(ClientOptions.BOOTSTRAP_SERVERS, host, "host must not be blank");
    }
    if (port < 1 || port > MAX_PORT) {
      throw new InvalidInputException(ClientOptions.BOOTSTRAP_SERVERS, host + ":" + port,
          "port must be 1 to " + MAX_PORT);
    }
  }

  /**
   * Parses {@code host:port} ({@code [v6-address]:port} for IPv6); an {@link InvalidInputException} names
   * {@value ClientOptions#BOOTSTRAP_SERVERS} and the bad value.
   */
  public static NodeAddress parse(String hostAndPort) {
    String value = hostAndPort.trim();
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new InvalidInputException(ClientOptions.BOOTSTRAP_SERVERS, hostAndPort, "must be host:port");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new InvalidInputException(ClientOptions.BOOTSTRAP_SERVERS, hostAndPort, "port must be a number");
    }
    return new NodeAddress(host, port);
  }

  /** Parses a comma-separated list of {@code host:port}; blanks around commas are ignored. */
  public static List<NodeAddress> parseList(String commaSeparated) {
    List<NodeAddress> addresses = new ArrayList<>();
    for (String part : commaSeparated.split(",")) {
      if (!part.isBlank()) {
        addresses.add(parse(part));
      }
    }
    if (addresses.isEmpty()) {
      throw new InvalidInputException(ClientOptions.BOOTSTRAP_SERVERS, commaSeparated,
          "must list at least one host:port");
    }
    return List.copyOf(addresses);
  }

  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
