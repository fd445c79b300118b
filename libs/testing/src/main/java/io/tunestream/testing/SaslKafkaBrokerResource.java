package io.tunestream.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * A real Kafka broker (KRaft, in the test JVM) whose client listener is SASL_PLAINTEXT with SCRAM-SHA-512 and PLAIN,
 * and ACLs on: the service's user {@value #USER} is created at start with rights on the topics under the prefix
 * {@code tunestream.} and on the consumer groups it names ({@code groups} init argument, comma-separated prefixes).
 *
 * <p>Provides the service's {@code kafka.*} client settings (the keys KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM,
 * KAFKA_SASL_JAAS_CONFIG map to); the init argument {@code mechanism} picks the service's login, {@code SCRAM-SHA-512}
 * (the default; the user is created through the admin API at start) or {@code PLAIN} (the user is declared in the
 * listener's JAAS configuration, as a PLAIN broker declares its users); with {@code wrong-password=true} the service
 * is given a wrong password. {@value #ADMIN_PASSWORD_KEY} holds the password of the super user {@code admin} (PLAIN), for the test's own
 * admin client.
 */
public class SaslKafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    public static final String USER = "tunestream-service";
    public static final String ADMIN_PASSWORD_KEY = "tunestream.test.kafka-admin-password";

    /** After the suite-wide plaintext broker (KafkaBrokerResource, GLOBAL), so that these settings win over its. */
    @Override
    public int order() {
        return 100;
    }

    private EmbeddedKafkaBroker broker;
    /** The SASL mechanisms the broker's listener enables, each a way the service's user can log in. */
    public static final List<String> MECHANISMS = List.of("SCRAM-SHA-512", "PLAIN");

    private boolean wrongPassword;
    private String mechanism = "SCRAM-SHA-512";
    private List<String> groups = List.of();

    @Override
    public void init(Map<String, String> initArgs) {
        wrongPassword = Boolean.parseBoolean(initArgs.getOrDefault("wrong-password", "false"));
        mechanism = initArgs.getOrDefault("mechanism", "SCRAM-SHA-512");
        if (!MECHANISMS.contains(mechanism)) {
            throw new IllegalArgumentException("mechanism must be one of " + MECHANISMS + ", not " + mechanism);
        }
        groups = List.of(initArgs.getOrDefault("groups", "").split(","));
    }

    @Override
    public Map<String, String> start() {
        String adminPassword = UUID.randomUUID().toString();
        String userPassword = UUID.randomUUID().toString();
        broker = new EmbeddedKafkaBroker()
                .withDeleteLogDirsOnClose(true)
                .withAdvertisedListeners(
                        EmbeddedKafkaBroker.endpoint(SecurityProtocol.SASL_PLAINTEXT, "localhost", freePort()))
                .withAdditionalProperties(properties -> {
                    properties.setProperty("offsets.topic.replication.factor", "1");
                    properties.setProperty("transaction.state.log.replication.factor", "1");
                    properties.setProperty("transaction.state.log.min.isr", "1");
                    properties.setProperty("group.initial.rebalance.delay.ms", "0");
                    properties.setProperty("sasl.enabled.mechanisms", "SCRAM-SHA-512,PLAIN");
                    properties.setProperty(
                            "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\""
                                    + " password=\"" + adminPassword + "\" user_admin=\"" + adminPassword + "\""
                                    + " user_" + USER + "=\"" + userPassword + "\";");
                    properties.setProperty(
                            "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
                            "org.apache.kafka.common.security.scram.ScramLoginModule required;");
                    properties.setProperty(
                            "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
                    // The broker talks to itself as admin over PLAIN; its controller listener is unauthenticated.
                    properties.setProperty("inter.broker.listener.name", "SASL_PLAINTEXT");
                    properties.setProperty("sasl.mechanism.inter.broker.protocol", "PLAIN");
                    properties.setProperty("super.users", "User:admin;User:ANONYMOUS");
                    properties.setProperty("allow.everyone.if.no.acl.found", "false");
                })
                .start();
        String bootstrapServers = KafkaBrokerResource.bootstrapServers(broker);
        try (Admin admin = Admin.create(adminClient(bootstrapServers, adminPassword))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            USER, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), userPassword)))
                    .all()
                    .get();
            AccessControlEntry all =
                    new AccessControlEntry("User:" + USER, "*", AclOperation.ALL, AclPermissionType.ALLOW);
            List<AclBinding> acls = new ArrayList<>();
            acls.add(new AclBinding(new ResourcePattern(ResourceType.TOPIC, "tunestream.", PatternType.PREFIXED), all));
            for (String group : groups) {
                if (!group.isBlank()) {
                    acls.add(new AclBinding(new ResourcePattern(ResourceType.GROUP, group, PatternType.PREFIXED), all));
                }
            }
            admin.createAcls(acls).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the SCRAM user", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the SCRAM user and its ACLs", e);
        }
        String password = wrongPassword ? "not-" + userPassword : userPassword;
        return Map.of(
                "kafka.bootstrap.servers",
                bootstrapServers,
                "kafka.security.protocol",
                "SASL_PLAINTEXT",
                "kafka.sasl.mechanism",
                mechanism,
                "kafka.sasl.jaas.config",
                (mechanism.equals("PLAIN")
                                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                                : "org.apache.kafka.common.security.scram.ScramLoginModule")
                        + " required username=\"" + USER + "\" password=\"" + password + "\";",
                ADMIN_PASSWORD_KEY,
                adminPassword,
                "quarkus.log.category.\"kafka\".level",
                "WARN",
                "quarkus.log.category.\"org.apache.kafka\".level",
                "WARN",
                "quarkus.log.category.\"state.change.logger\".level",
                "WARN");
    }

    /** The settings of an admin client logged in as the super user {@code admin}. */
    public static Map<String, Object> adminClient(String bootstrapServers, String adminPassword) {
        return Map.of(
                "bootstrap.servers",
                bootstrapServers,
                "security.protocol",
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                "PLAIN",
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\""
                        + adminPassword + "\";");
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
