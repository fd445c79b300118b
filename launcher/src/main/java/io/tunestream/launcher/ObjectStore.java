package io.tunestream.launcher;

import io.tunestream.infra.ChildProcess;
import io.tunestream.infra.S3ProxyServer;
import java.util.List;

/**
 * The object store of the local stack: S3Proxy over {@code data/s3}, spoken to exactly as MinIO is. The platform's
 * bucket is provisioned here, as an operator would provision it on MinIO.
 */
final class ObjectStore implements Component {

    static final String NAME = "object-store";
    static final String BUCKET = "tunestream";

    private final int port;
    private final String accessKey;
    private final String secretKey;

    ObjectStore(int port, Credentials credentials) {
        this.port = port;
        this.accessKey = "tunestream";
        this.secretKey = credentials.secret("object-store.secret-key");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Integer> ports() {
        return List.of(port);
    }

    @Override
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    String accessKey() {
        return accessKey;
    }

    String secretKey() {
        return secretKey;
    }

    @Override
    public String processMarker() {
        return S3ProxyServer.MAIN_CLASS;
    }

    @Override
    public Process start(StackLayout layout) {
        S3ProxyServer server =
                new S3ProxyServer(layout.s3ProxyJar(), layout.dataDirectory("s3"), port, accessKey, secretKey);
        Process process = server.start(false, layout.logFile(NAME));
        try {
            ensureBucket();
        } catch (RuntimeException e) {
            // Its pid is not recorded yet: stop it here, or no 'down' would.
            ChildProcess.stop(process.toHandle());
            throw e;
        }
        return process;
    }

    private void ensureBucket() {
        try {
            store().createBucketIfMissing();
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot create bucket '" + BUCKET + "' on " + url() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Health probe() {
        try {
            return store().bucketExists()
                    ? Health.up("UP (bucket " + BUCKET + ")")
                    : Health.down("DOWN (bucket " + BUCKET + " missing)");
        } catch (Exception e) {
            return Health.down("not answering");
        }
    }

    /** The platform's object store on this server's bucket (the launcher's own name for this component is taken). */
    io.tunestream.platform.storage.ObjectStore store() {
        return io.tunestream.platform.storage.ObjectStore.connect(url(), accessKey, secretKey, BUCKET);
    }
}
