# bench: rules are added here
