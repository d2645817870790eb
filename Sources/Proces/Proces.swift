import CSpawn
import Foundation

/// Starting programs (the PostgreSQL server programs, wrk, curl) without Foundation's `Process`.
/// Not part of the database driver: the embedded cluster, the bench and the tests use it.

/// Runs `command` with stdin from /dev/null and stdout/stderr to `outputPath`, in our environment
/// with `environment` added (or replacing what it names: a secret for the child goes here, never
/// on its command line); returns its exit status. Unlike Foundation's `Process`, this returns when
/// the program exits even if it left a daemon behind (`pg_ctl start`), and the daemon inherits none
/// of our descriptors.
public func spawnAndWait(_ command: [String], outputPath: String = "/dev/null", environment: [String: String] = [:]) throws -> Int32 {
    try waitForExit(try spawn(command, outputPath: outputPath, environment: environment), command[0])
}

/// Starts `command` as `spawnAndWait` does, without waiting; returns its process id, for
/// `waitForExit` (a process left unwaited stays a zombie).
public func spawn(_ command: [String], outputPath: String = "/dev/null", environment: [String: String] = [:]) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    posix_spawn_file_actions_addclosefrom_np(&actions, 3)
    // The calling thread may block signals (Swift's and NIO's threads do); the child must not
    // inherit that, or it could never be stopped with SIGINT or SIGTERM.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var leeg = sigset_t(), standaard = sigset_t()
    sigemptyset(&leeg)
    sigemptyset(&standaard)
    for signaal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE] { sigaddset(&standaard, signaal) }
    posix_spawnattr_setsigmask(&attributes, &leeg)
    posix_spawnattr_setsigdefault(&attributes, &standaard)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid = pid_t()
    let arguments = command.map { strdup($0) } + [nil]
    defer { arguments.forEach { free($0) } }
    let variables = environment.isEmpty ? nil
        : ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { strdup("\($0)=\($1)") } + [nil]
    defer { variables?.forEach { free($0) } }
    let spawned = variables.map { posix_spawn(&pid, command[0], &actions, &attributes, arguments, $0) }
        ?? posix_spawn(&pid, command[0], &actions, &attributes, arguments, environ)
    guard spawned == 0 else {
        throw ProcesFout("cannot start \(command[0]): \(String(cString: strerror(spawned)))")
    }
    return pid
}

/// Waits for a process `spawn` started (`name` for the error); returns its exit status, or 128 + the
/// signal that ended it.
public func waitForExit(_ pid: pid_t, _ name: String) throws -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 {
        guard errno == EINTR else { throw ProcesFout("lost track of \(name)") }
    }
    // WIFEXITED / WEXITSTATUS are macros Swift does not import.
    return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
}

/// A program could not be started or waited for.
public struct ProcesFout: Error, CustomStringConvertible {
    /// One line.
    public let description: String
    init(_ description: String) { self.description = description }
}
