package dev.acp.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The server's bearer token in {@code ACP_HOME/server-token}: made on first start (256 random
 * bits, the file created with mode 0600 so no other user can read it, not even for a moment),
 * read on later starts.
 *
 * @param created whether this start made it (it is then printed, once)
 */
public record ServerToken(String value, Path file, boolean created) {
    public static final String FILE_NAME = "server-token";

    @Override
    public String toString() {
        return "ServerToken[" + file + "]"; // never the value
    }

    public static ServerToken loadOrCreate(Path acpHome, SecureRandom random) throws IOException {
        Path file = acpHome.resolve(FILE_NAME);
        Files.createDirectories(acpHome);
        for (int attempt = 0; attempt < 2 && !Files.exists(file); attempt++) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            try {
                Path tmp = Files.createFile(acpHome.resolve(FILE_NAME + ".new"), PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
                Files.writeString(tmp, value + "\n", StandardCharsets.UTF_8);
                Files.move(tmp, file); // no replace: a server starting at the same moment keeps its own
                return new ServerToken(value, file, true);
            } catch (FileAlreadyExistsException e) {
                // Another server made it first (or a stale .new is left): read what is there.
                Files.deleteIfExists(acpHome.resolve(FILE_NAME + ".new"));
            } catch (UnsupportedOperationException e) {
                throw new IOException("cannot create " + file + " readable by its owner only on this file system");
            }
        }
        String value = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (value.length() < 16) {
            throw new IOException(file + " holds no usable token (fewer than 16 characters); delete it and start the"
                    + " server again to make a new one");
        }
        return new ServerToken(value, file, false);
    }
}
