import ArgumentParser

/// `--wait MS` or `--wait auto`.
struct WaitArgument: ExpressibleByArgument, Sendable {
    let value: OptionValue

    init?(argument: String) {
        if argument == "auto" {
            value = .string("auto")
        } else if let milliseconds = Int(argument) {
            value = .int(milliseconds)
        } else {
            return nil
        }
    }
}
