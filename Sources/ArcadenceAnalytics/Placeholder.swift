enum _PlaceholderArcadenceAnalytics {}
