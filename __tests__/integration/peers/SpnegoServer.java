import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivilegedExceptionAction;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Executors;
import javax.security.auth.Subject;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSCredential;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.Oid;

/**
 * A Negotiate (RFC 4559) acceptor on the JDK's own stack, as Java servers run it: JAAS
 * Krb5LoginModule logs the service in from a keytab, JGSS accepts the client's token.
 *
 * Usage: java SpnegoServer MODE PRINCIPAL KEYTAB (with -Djava.security.krb5.conf=...)
 *   MODE spnego: acceptor credentials for the SPNEGO mechanism only, as Tomcat's
 *                SpnegoAuthenticator creates them: a raw krb5 token is refused.
 *   MODE any:    credentials for SPNEGO and krb5, as Hadoop's authentication handler
 *                creates them.
 * Prints the port it listens on (127.0.0.1, chosen by the system) on stdout, then serves
 * until killed. Every path answers: 401 + `WWW-Authenticate: Negotiate` without a token,
 * 200 + the server's token and a JSON body once the token is accepted, 401 again (and the
 * GSS error on stderr) when it is not.
 */
public final class SpnegoServer {
  private static final Oid SPNEGO = oid("1.3.6.1.5.5.2");
  private static final Oid KRB5 = oid("1.2.840.113554.1.2.2");

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String principal = args[1];
    String keytab = args[2];
    Configuration.setConfiguration(new Configuration() {
      @Override
      public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
        Map<String, String> options = Map.of(
            "useKeyTab", "true", "keyTab", keytab, "principal", principal,
            "storeKey", "true", "isInitiator", "false", "doNotPrompt", "true");
        return new AppConfigurationEntry[] {
          new AppConfigurationEntry("com.sun.security.auth.module.Krb5LoginModule",
              AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options)
        };
      }
    });
    LoginContext login = new LoginContext("acceptor");
    login.login();
    Subject subject = login.getSubject();
    GSSManager manager = GSSManager.getInstance();
    Oid[] mechs = mode.equals("spnego") ? new Oid[] {SPNEGO} : new Oid[] {SPNEGO, KRB5};
    GSSCredential credential = Subject.doAs(subject, (PrivilegedExceptionAction<GSSCredential>) () ->
        manager.createCredential(null, GSSCredential.INDEFINITE_LIFETIME, mechs, GSSCredential.ACCEPT_ONLY));

    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newFixedThreadPool(16));
    server.createContext("/", exchange -> {
      try {
        handle(exchange, manager, credential);
      } catch (Exception e) {
        System.err.println("error: " + e);
        exchange.sendResponseHeaders(500, -1);
      } finally {
        exchange.close();
      }
    });
    server.start();
    System.out.println(server.getAddress().getPort());
    System.out.flush();
  }

  private static void handle(HttpExchange exchange, GSSManager manager, GSSCredential credential)
      throws Exception {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization == null || !authorization.regionMatches(true, 0, "Negotiate ", 0, 10)) {
      challenge(exchange, "Negotiate", "no token");
      return;
    }
    byte[] token = Base64.getDecoder().decode(authorization.substring(10).trim());
    GSSContext context = manager.createContext(credential);
    byte[] reply;
    try {
      reply = context.acceptSecContext(token, 0, token.length);
    } catch (GSSException e) {
      // Servers log this and answer a bare challenge; the client never sees the reason.
      System.err.println("GSSException: " + e.getMessage());
      challenge(exchange, "Negotiate", "rejected");
      return;
    }
    String serverToken = reply == null ? null : Base64.getEncoder().encodeToString(reply);
    if (!context.isEstablished()) {
      challenge(exchange, "Negotiate " + serverToken, "continue");
      return;
    }
    if (serverToken != null) exchange.getResponseHeaders().set("WWW-Authenticate", "Negotiate " + serverToken);
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    String json = String.format(
        "{\"user\":\"%s\",\"mech\":\"%s\",\"method\":\"%s\",\"delegated\":%s,\"sha256\":\"%s\",\"length\":%d}",
        context.getSrcName(), context.getMech(), exchange.getRequestMethod(), context.getCredDelegState(),
        sha256, body.length);
    send(exchange, 200, json);
  }

  private static void challenge(HttpExchange exchange, String header, String why) throws IOException {
    exchange.getResponseHeaders().set("WWW-Authenticate", header);
    send(exchange, 401, "{\"error\":\"" + why + "\"}");
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Oid oid(String dotted) {
    try {
      return new Oid(dotted);
    } catch (GSSException e) {
      throw new IllegalStateException(e);
    }
  }
}
