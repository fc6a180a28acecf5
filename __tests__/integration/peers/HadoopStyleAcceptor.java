import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivilegedExceptionAction;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.Subject;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSCredential;
import org.ietf.jgss.GSSManager;

/**
 * A Kerberos-protected HTTP server that works like Hadoop's AuthenticationFilter, for the
 * integration tests of axios-kerberos: a JGSS acceptor (JAAS Krb5LoginModule with the test
 * realm's keytab) answers a Negotiate token with 200, its own final token and a signed
 * `hadoop.auth` cookie; a request with a valid cookie is served from it, with no token and
 * no GSS work, even when it also carries a token. POST /_rotate replaces the signing secret
 * (Hadoop's signer secret rollover), so every cookie stops working; GET /_stats counts.
 *
 * Usage: java HadoopStyleAcceptor KEYTAB COOKIE_LIFETIME_MS. Prints the port, then serves
 * on 127.0.0.1 until stdin closes.
 */
public final class HadoopStyleAcceptor {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static volatile byte[] secret = newSecret();
  private static final AtomicInteger tokens = new AtomicInteger();
  private static final AtomicInteger challenges = new AtomicInteger();
  private static final AtomicInteger onSession = new AtomicInteger();

  public static void main(String[] args) throws Exception {
    String keytab = args[0];
    long lifetimeMs = Long.parseLong(args[1]);
    Subject subject = login(keytab);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/_rotate", exchange -> {
      secret = newSecret();
      send(exchange, 204, null);
    });
    server.createContext("/_stats", exchange -> {
      String body = "{\"tokens\":" + tokens.get() + ",\"challenges\":" + challenges.get()
          + ",\"onSession\":" + onSession.get() + "}";
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      send(exchange, 200, body);
    });
    server.createContext("/", exchange -> {
      try {
        handle(exchange, subject, lifetimeMs);
      } catch (Exception e) {
        send(exchange, 500, "error: " + e.getClass().getSimpleName());
      }
    });
    server.start();
    System.out.println(server.getAddress().getPort());
    System.out.flush();
    while (System.in.read() != -1) {
      // serve until the test closes our stdin
    }
    server.stop(0);
    System.exit(0);
  }

  private static void handle(HttpExchange exchange, Subject subject, long lifetimeMs) throws Exception {
    String user = userFromCookie(exchange.getRequestHeaders().getFirst("Cookie"));
    if (user != null) {
      onSession.incrementAndGet();
      exchange.getResponseHeaders().set("X-Remote-User", user);
      send(exchange, 200, "{\"user\":\"" + user + "\",\"via\":\"session\"}");
      return;
    }
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.startsWith("Negotiate ")) {
      challenges.incrementAndGet();
      exchange.getResponseHeaders().set("WWW-Authenticate", "Negotiate");
      send(exchange, 401, "unauthorized");
      return;
    }
    byte[] token = Base64.getDecoder().decode(header.substring("Negotiate ".length()).trim());
    tokens.incrementAndGet();
    String[] principal = new String[1];
    byte[] reply = Subject.doAs(subject, (PrivilegedExceptionAction<byte[]>) () -> {
      GSSManager manager = GSSManager.getInstance();
      GSSContext context = manager.createContext((GSSCredential) null);
      byte[] out = context.acceptSecContext(token, 0, token.length);
      if (!context.isEstablished()) throw new IllegalStateException("handshake not complete");
      principal[0] = context.getSrcName().toString();
      context.dispose();
      return out;
    });
    if (reply != null) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Negotiate " + Base64.getEncoder().encodeToString(reply));
    }
    String name = principal[0].split("@")[0];
    long expires = System.currentTimeMillis() + lifetimeMs;
    String payload = "u=" + name + "&p=" + principal[0] + "&t=kerberos&e=" + expires;
    exchange.getResponseHeaders().add("Set-Cookie",
        "hadoop.auth=\"" + payload + "&s=" + sign(payload) + "\"; Path=/; HttpOnly");
    exchange.getResponseHeaders().set("X-Remote-User", principal[0]);
    send(exchange, 200, "{\"user\":\"" + principal[0] + "\",\"via\":\"token\"}");
  }

  /** The principal of a valid, unexpired cookie signed with the current secret, else null. */
  private static String userFromCookie(String header) throws Exception {
    if (header == null) return null;
    for (String part : header.split(";\\s*")) {
      if (!part.startsWith("hadoop.auth=")) continue;
      String value = part.substring("hadoop.auth=".length());
      if (value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2) {
        value = value.substring(1, value.length() - 1);
      }
      int at = value.lastIndexOf("&s=");
      if (at < 0) return null;
      String payload = value.substring(0, at);
      byte[] expected = sign(payload).getBytes(StandardCharsets.US_ASCII);
      byte[] given = value.substring(at + 3).getBytes(StandardCharsets.US_ASCII);
      if (!MessageDigest.isEqual(expected, given)) return null;
      Map<String, String> fields = new HashMap<>();
      for (String kv : payload.split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0) fields.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
      if (Long.parseLong(fields.getOrDefault("e", "0")) <= System.currentTimeMillis()) return null;
      return fields.get("p");
    }
    return null;
  }

  private static String sign(String payload) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    return Base64.getEncoder().encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static Subject login(String keytab) throws Exception {
    Configuration config = new Configuration() {
      @Override
      public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
        Map<String, String> options = new HashMap<>();
        options.put("useKeyTab", "true");
        options.put("keyTab", keytab);
        options.put("principal", "*"); // any key in the keytab may accept
        options.put("storeKey", "true");
        options.put("isInitiator", "false");
        options.put("doNotPrompt", "true");
        return new AppConfigurationEntry[] {
          new AppConfigurationEntry("com.sun.security.auth.module.Krb5LoginModule",
              AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options)
        };
      }
    };
    LoginContext login = new LoginContext("acceptor", new Subject(), null, config);
    login.login();
    return login.getSubject();
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, body == null ? -1 : bytes.length);
    if (body != null) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
  }
}
